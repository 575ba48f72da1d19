import type { NameRegion } from './names.ts';

/**
 * Real cities and countries for demo addresses. A city's weight is roughly its metro population
 * (millions) scaled up for the larger CRM markets, which gives the skewed distribution real
 * customer bases have: many contacts in New York and London, a few in Reykjavík.
 */

export interface Country {
  readonly name: string;
  /** International calling code, without `+`. */
  readonly callingCode: string;
  /** Web domain ending of local companies. */
  readonly tld: string;
  /** Legal-form suffixes of company names there. */
  readonly legalForms: readonly string[];
  /** Whose names are most common there. */
  readonly region: NameRegion;
}

export interface City {
  readonly name: string;
  readonly country: Country;
  /** Name region when it differs from the country's (Montreal, Geneva). */
  readonly region: NameRegion;
  readonly weight: number;
}

const c = (
  name: string,
  callingCode: string,
  tld: string,
  legalForms: string,
  region: NameRegion,
): Country => ({ name, callingCode, tld, legalForms: legalForms.split('|'), region });

const COUNTRIES = {
  US: c('United States', '1', '.com', 'Inc.|LLC|Corp.|Co.', 'anglo'),
  CA: c('Canada', '1', '.ca', 'Inc.|Ltd.|Corp.', 'anglo'),
  MX: c('Mexico', '52', '.com.mx', 'S.A. de C.V.|S. de R.L.', 'spanish'),
  BR: c('Brazil', '55', '.com.br', 'Ltda.|S.A.', 'portuguese'),
  AR: c('Argentina', '54', '.com.ar', 'S.A.|S.R.L.', 'spanish'),
  CL: c('Chile', '56', '.cl', 'S.A.|SpA', 'spanish'),
  CO: c('Colombia', '57', '.com.co', 'S.A.S.|S.A.', 'spanish'),
  PE: c('Peru', '51', '.pe', 'S.A.C.|S.A.', 'spanish'),
  UY: c('Uruguay', '598', '.com.uy', 'S.A.', 'spanish'),
  EC: c('Ecuador', '593', '.ec', 'S.A.|Cía. Ltda.', 'spanish'),
  GB: c('United Kingdom', '44', '.co.uk', 'Ltd|PLC|LLP', 'anglo'),
  IE: c('Ireland', '353', '.ie', 'Ltd|DAC', 'anglo'),
  FR: c('France', '33', '.fr', 'SA|SAS|SARL', 'french'),
  DE: c('Germany', '49', '.de', 'GmbH|AG|GmbH & Co. KG', 'german'),
  AT: c('Austria', '43', '.at', 'GmbH|AG', 'german'),
  CH: c('Switzerland', '41', '.ch', 'AG|GmbH|SA', 'german'),
  NL: c('Netherlands', '31', '.nl', 'B.V.|N.V.', 'dutch'),
  BE: c('Belgium', '32', '.be', 'NV|BV|SA', 'dutch'),
  SE: c('Sweden', '46', '.se', 'AB', 'nordic'),
  DK: c('Denmark', '45', '.dk', 'A/S|ApS', 'nordic'),
  NO: c('Norway', '47', '.no', 'AS|ASA', 'nordic'),
  FI: c('Finland', '358', '.fi', 'Oy|Oyj', 'nordic'),
  IS: c('Iceland', '354', '.is', 'ehf.|hf.', 'nordic'),
  ES: c('Spain', '34', '.es', 'S.L.|S.A.', 'spanish'),
  PT: c('Portugal', '351', '.pt', 'Lda.|S.A.', 'portuguese'),
  IT: c('Italy', '39', '.it', 'S.p.A.|S.r.l.', 'italian'),
  PL: c('Poland', '48', '.pl', 'Sp. z o.o.|S.A.', 'central_european'),
  CZ: c('Czechia', '420', '.cz', 's.r.o.|a.s.', 'central_european'),
  HU: c('Hungary', '36', '.hu', 'Kft.|Zrt.', 'central_european'),
  RO: c('Romania', '40', '.ro', 'S.R.L.|S.A.', 'central_european'),
  GR: c('Greece', '30', '.gr', 'S.A.|IKE', 'greek'),
  TR: c('Turkey', '90', '.com.tr', 'A.Ş.|Ltd. Şti.', 'turkish'),
  UA: c('Ukraine', '380', '.ua', 'LLC|PJSC', 'east_slavic'),
  RU: c('Russia', '7', '.ru', 'LLC|JSC', 'east_slavic'),
  IL: c('Israel', '972', '.co.il', 'Ltd.', 'hebrew'),
  AE: c('United Arab Emirates', '971', '.ae', 'LLC|FZ-LLC|FZE', 'arabic'),
  SA: c('Saudi Arabia', '966', '.com.sa', 'Co.|LLC', 'arabic'),
  QA: c('Qatar', '974', '.qa', 'W.L.L.|Q.P.S.C.', 'arabic'),
  KW: c('Kuwait', '965', '.com.kw', 'K.S.C.|W.L.L.', 'arabic'),
  JO: c('Jordan', '962', '.jo', 'LLC', 'arabic'),
  LB: c('Lebanon', '961', '.com.lb', 'SAL|SARL', 'arabic'),
  EG: c('Egypt', '20', '.com.eg', 'S.A.E.|LLC', 'arabic'),
  MA: c('Morocco', '212', '.ma', 'SARL|SA', 'arabic'),
  TN: c('Tunisia', '216', '.tn', 'SARL|SA', 'arabic'),
  IN: c('India', '91', '.in', 'Pvt. Ltd.|Ltd.|LLP', 'south_asian'),
  PK: c('Pakistan', '92', '.pk', '(Pvt.) Ltd.', 'south_asian'),
  BD: c('Bangladesh', '880', '.com.bd', 'Ltd.', 'south_asian'),
  LK: c('Sri Lanka', '94', '.lk', '(Pvt) Ltd', 'south_asian'),
  CN: c('China', '86', '.cn', 'Co., Ltd.|Group Co., Ltd.', 'chinese'),
  HK: c('Hong Kong', '852', '.com.hk', 'Limited|Co., Ltd.', 'chinese'),
  TW: c('Taiwan', '886', '.com.tw', 'Co., Ltd.|Corp.', 'chinese'),
  SG: c('Singapore', '65', '.com.sg', 'Pte. Ltd.', 'chinese'),
  JP: c('Japan', '81', '.co.jp', 'K.K.|Co., Ltd.', 'japanese'),
  KR: c('South Korea', '82', '.co.kr', 'Co., Ltd.|Corp.', 'korean'),
  VN: c('Vietnam', '84', '.vn', 'JSC|Co., Ltd.', 'vietnamese'),
  MY: c('Malaysia', '60', '.com.my', 'Sdn. Bhd.|Bhd.', 'southeast_asian'),
  ID: c('Indonesia', '62', '.co.id', 'PT|Tbk', 'southeast_asian'),
  PH: c('Philippines', '63', '.com.ph', 'Inc.|Corp.', 'southeast_asian'),
  TH: c('Thailand', '66', '.co.th', 'Co., Ltd.|PCL', 'southeast_asian'),
  AU: c('Australia', '61', '.com.au', 'Pty Ltd|Ltd', 'anglo'),
  NZ: c('New Zealand', '64', '.co.nz', 'Ltd|Limited', 'anglo'),
  NG: c('Nigeria', '234', '.com.ng', 'Ltd|PLC', 'west_african'),
  GH: c('Ghana', '233', '.com.gh', 'Ltd', 'west_african'),
  SN: c('Senegal', '221', '.sn', 'SARL|SA', 'west_african'),
  KE: c('Kenya', '254', '.co.ke', 'Ltd', 'east_african'),
  ET: c('Ethiopia', '251', '.et', 'PLC|S.C.', 'east_african'),
  TZ: c('Tanzania', '255', '.co.tz', 'Ltd', 'east_african'),
  UG: c('Uganda', '256', '.co.ug', 'Ltd', 'east_african'),
  RW: c('Rwanda', '250', '.rw', 'Ltd', 'east_african'),
  ZA: c('South Africa', '27', '.co.za', '(Pty) Ltd|Ltd', 'anglo'),
} as const satisfies Record<string, Country>;

type CountryCode = keyof typeof COUNTRIES;

/** `City;CC;weight[;region]` rows, to keep the table readable. */
const CITY_ROWS = `
New York;US;60|Los Angeles;US;39|Chicago;US;28|Houston;US;21|Dallas;US;22|Phoenix;US;15|Philadelphia;US;18
San Antonio;US;8|San Diego;US;10|San Jose;US;6|Austin;US;7|Jacksonville;US;5|Fort Worth;US;4|Columbus;US;6
Charlotte;US;8|San Francisco;US;14|Indianapolis;US;6|Seattle;US;12|Denver;US;9|Washington;US;19|Boston;US;15
Nashville;US;6|Detroit;US;13|Portland;US;7|Las Vegas;US;7|Memphis;US;4|Louisville;US;4|Baltimore;US;8
Milwaukee;US;5|Albuquerque;US;3|Tucson;US;3|Sacramento;US;7|Atlanta;US;18|Kansas City;US;6|Miami;US;18
Raleigh;US;4|Omaha;US;3|Minneapolis;US;11|Tampa;US;9|New Orleans;US;4|Cleveland;US;6|Pittsburgh;US;7
Cincinnati;US;7|St. Louis;US;8|Orlando;US;8|Salt Lake City;US;4|Redmond;US;1|Bellevue;US;1
Toronto;CA;12|Montreal;CA;8;french|Vancouver;CA;5|Calgary;CA;3|Ottawa;CA;3|Edmonton;CA;3|Winnipeg;CA;2
Quebec City;CA;2;french|Halifax;CA;1
Mexico City;MX;11|Guadalajara;MX;3|Monterrey;MX;3|Puebla;MX;1.5|Tijuana;MX;1
São Paulo;BR;11|Rio de Janeiro;BR;7|Brasília;BR;2|Salvador;BR;2|Belo Horizonte;BR;3|Curitiba;BR;2
Porto Alegre;BR;2|Recife;BR;2
Buenos Aires;AR;8|Córdoba;AR;1.5|Rosario;AR;1|Santiago;CL;4|Bogotá;CO;5|Medellín;CO;2|Cali;CO;1.5|Lima;PE;5
Montevideo;UY;1.2|Quito;EC;1.2
London;GB;28|Manchester;GB;6|Birmingham;GB;6|Glasgow;GB;4|Edinburgh;GB;3|Leeds;GB;4|Liverpool;GB;4
Bristol;GB;3|Sheffield;GB;3|Newcastle upon Tyne;GB;3|Cardiff;GB;2|Belfast;GB;2|Nottingham;GB;2
Cambridge;GB;1|Oxford;GB;1|Dublin;IE;6|Cork;IE;1.5
Paris;FR;22|Marseille;FR;3.5|Lyon;FR;4.5|Toulouse;FR;2.5|Nice;FR;2|Nantes;FR;2|Strasbourg;FR;1.5|Bordeaux;FR;2.5
Lille;FR;2.5|Montpellier;FR;1.5|Rennes;FR;1.5
Berlin;DE;11|Hamburg;DE;6|Munich;DE;7|Cologne;DE;4|Frankfurt am Main;DE;5.5|Stuttgart;DE;4|Düsseldorf;DE;3.5
Leipzig;DE;2|Dortmund;DE;2|Essen;DE;2|Bremen;DE;1.5|Dresden;DE;1.5|Hanover;DE;1.8|Nuremberg;DE;1.8
Vienna;AT;4|Graz;AT;1|Salzburg;AT;0.8|Zurich;CH;3|Geneva;CH;1.5;french|Basel;CH;1.2|Bern;CH;1
Amsterdam;NL;5|Rotterdam;NL;3|The Hague;NL;2|Utrecht;NL;2|Eindhoven;NL;1.2|Brussels;BE;4;french|Antwerp;BE;2
Ghent;BE;1
Stockholm;SE;4|Gothenburg;SE;2|Malmö;SE;1.2|Copenhagen;DK;3|Aarhus;DK;1|Oslo;NO;2.5|Bergen;NO;0.8
Helsinki;FI;2.5|Espoo;FI;0.6|Tampere;FI;0.6|Reykjavík;IS;0.4
Madrid;ES;7|Barcelona;ES;6|Valencia;ES;2|Seville;ES;1.5|Zaragoza;ES;0.8|Málaga;ES;1|Bilbao;ES;1|Lisbon;PT;3
Porto;PT;1.7
Rome;IT;4.5|Milan;IT;6|Naples;IT;3|Turin;IT;2.2|Palermo;IT;1.2|Genoa;IT;0.8|Bologna;IT;1|Florence;IT;1
Venice;IT;0.6
Warsaw;PL;3|Kraków;PL;1.5|Wrocław;PL;1.2|Łódź;PL;1|Poznań;PL;1|Gdańsk;PL;1|Prague;CZ;2.5|Brno;CZ;0.7
Budapest;HU;3|Bucharest;RO;2.5
Athens;GR;3.5|Thessaloniki;GR;1|Istanbul;TR;16|Ankara;TR;5|Izmir;TR;3
Moscow;RU;12|Saint Petersburg;RU;5|Novosibirsk;RU;1.5|Kyiv;UA;3|Kharkiv;UA;1.4|Odesa;UA;1|Lviv;UA;0.7
Tel Aviv;IL;4|Jerusalem;IL;1.2
Dubai;AE;6|Abu Dhabi;AE;2.5|Riyadh;SA;7|Jeddah;SA;4|Doha;QA;2.5|Kuwait City;KW;2.5|Amman;JO;2|Beirut;LB;2
Cairo;EG;10|Alexandria;EG;3|Casablanca;MA;3|Rabat;MA;1.2|Tunis;TN;1.2
Mumbai;IN;14|Delhi;IN;16|Bengaluru;IN;12|Hyderabad;IN;8|Chennai;IN;7|Kolkata;IN;7|Pune;IN;6|Ahmedabad;IN;4
Jaipur;IN;2|Karachi;PK;6|Lahore;PK;4|Dhaka;BD;6|Colombo;LK;1.5
Shanghai;CN;14|Beijing;CN;12|Shenzhen;CN;10|Guangzhou;CN;9|Chengdu;CN;5|Hangzhou;CN;5|Wuhan;CN;4|Nanjing;CN;3
Hong Kong;HK;8|Taipei;TW;5|Singapore;SG;7
Tokyo;JP;20|Osaka;JP;8|Yokohama;JP;4|Nagoya;JP;4|Fukuoka;JP;2|Sapporo;JP;2|Kyoto;JP;1.5
Seoul;KR;12|Busan;KR;3|Incheon;KR;2
Ho Chi Minh City;VN;5|Hanoi;VN;4|Da Nang;VN;1
Kuala Lumpur;MY;4|Jakarta;ID;8|Surabaya;ID;2|Manila;PH;7|Cebu;PH;1.5|Bangkok;TH;7
Sydney;AU;10|Melbourne;AU;10|Brisbane;AU;5|Perth;AU;4|Adelaide;AU;2.5|Canberra;AU;1|Auckland;NZ;3
Wellington;NZ;1
Lagos;NG;6|Abuja;NG;2|Ibadan;NG;1|Accra;GH;2|Kumasi;GH;1|Dakar;SN;1.2|Nairobi;KE;3|Mombasa;KE;0.8
Addis Ababa;ET;2|Dar es Salaam;TZ;2|Kampala;UG;1.5|Kigali;RW;0.6|Johannesburg;ZA;5|Cape Town;ZA;3|Durban;ZA;2
Pretoria;ZA;1.5
`;

function parseCities(rows: string): City[] {
  return rows
    .split(/[|\n]/)
    .map((r) => r.trim())
    .filter((r) => r !== '')
    .map((row) => {
      const [name, code, weight, region] = row.split(';');
      const country: Country | undefined = COUNTRIES[code as CountryCode];
      if (name === undefined || country === undefined || weight === undefined)
        throw new Error(`bad city row '${row}'`);
      return {
        name,
        country,
        region: (region as NameRegion | undefined) ?? country.region,
        weight: Number(weight),
      };
    });
}

export const CITIES: readonly City[] = parseCities(CITY_ROWS);
