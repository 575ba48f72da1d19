/**
 * Given and family names for the demo dataset, grouped by the region they are common in, so a
 * contact in Lyon is most often French-named and one in Osaka Japanese-named. Names are written in
 * Latin script as people in those places commonly romanise them.
 */

export type NameRegion =
  | 'anglo'
  | 'german'
  | 'dutch'
  | 'nordic'
  | 'french'
  | 'spanish'
  | 'portuguese'
  | 'italian'
  | 'central_european'
  | 'east_slavic'
  | 'greek'
  | 'turkish'
  | 'arabic'
  | 'hebrew'
  | 'south_asian'
  | 'chinese'
  | 'japanese'
  | 'korean'
  | 'vietnamese'
  | 'southeast_asian'
  | 'west_african'
  | 'east_african';

export interface RegionNames {
  readonly male: readonly string[];
  readonly female: readonly string[];
  readonly last: readonly string[];
  /** Personal e-mail providers popular there, besides the global ones. */
  readonly mailDomains: readonly string[];
}

const list = (s: string): readonly string[] => s.split(',').map((x) => x.trim());

export const NAMES: Readonly<Record<NameRegion, RegionNames>> = {
  anglo: {
    male: list(
      'James, John, Robert, Michael, William, David, Richard, Joseph, Thomas, Daniel, Matthew, Andrew, Christopher, Joshua, Ryan, Liam, Noah, Oliver, Jack, Harry, Ethan, Benjamin, Samuel, Nathan, Connor',
    ),
    female: list(
      'Mary, Patricia, Jennifer, Linda, Elizabeth, Susan, Jessica, Sarah, Karen, Emily, Emma, Olivia, Sophie, Charlotte, Amelia, Grace, Hannah, Chloe, Megan, Rachel, Lauren, Abigail, Isla, Ava, Madison',
    ),
    last: list(
      "Smith, Johnson, Williams, Brown, Jones, Miller, Davis, Wilson, Anderson, Taylor, Thomas, Moore, Jackson, White, Harris, Martin, Thompson, Clark, Lewis, Robinson, Walker, Young, Allen, King, Wright, Scott, Hill, Green, Baker, Adams, Campbell, Mitchell, Roberts, Evans, Turner, Murphy, O'Brien, Kelly, Walsh, Hughes, Edwards, Collins, Stewart, Morris, Bennett, Cooper, Reed, Bailey",
    ),
    mailDomains: list('aol.com, comcast.net, btinternet.com, sky.com'),
  },
  german: {
    male: list(
      'Lukas, Maximilian, Felix, Jonas, Leon, Paul, Tobias, Stefan, Andreas, Michael, Thomas, Markus, Jürgen, Klaus, Wolfgang, Florian, Matthias, Sebastian',
    ),
    female: list(
      'Anna, Lena, Lea, Hannah, Laura, Julia, Katharina, Sabine, Petra, Ursula, Monika, Claudia, Franziska, Johanna, Sophie, Marie, Birgit, Stefanie',
    ),
    last: list(
      'Müller, Schmidt, Schneider, Fischer, Weber, Meyer, Wagner, Becker, Schulz, Hoffmann, Schäfer, Koch, Bauer, Richter, Klein, Wolf, Schröder, Neumann, Schwarz, Zimmermann, Braun, Krüger, Hofmann, Hartmann, Lange, Schmitt, Werner, Krause, Lehmann, Huber',
    ),
    mailDomains: list('gmx.de, web.de, t-online.de, gmx.at, bluewin.ch'),
  },
  dutch: {
    male: list(
      'Daan, Sem, Lucas, Bram, Thijs, Jeroen, Pieter, Joost, Maarten, Ruben, Wouter, Sander, Koen, Bas',
    ),
    female: list(
      'Emma, Julia, Sanne, Lotte, Fleur, Anouk, Femke, Eva, Sara, Marieke, Inge, Lieke, Noor, Esther',
    ),
    last: list(
      'de Jong, Jansen, de Vries, van den Berg, van Dijk, Bakker, Janssen, Visser, Smit, Meijer, de Boer, Mulder, de Groot, Bos, Vos, Peters, Hendriks, van Leeuwen, Dekker, Brouwer, Peeters, Maes, Claes, Willems',
    ),
    mailDomains: list('ziggo.nl, kpnmail.nl, telenet.be, skynet.be'),
  },
  nordic: {
    male: list(
      'Erik, Lars, Anders, Johan, Magnus, Nils, Henrik, Mikael, Oskar, Mattias, Søren, Rasmus, Mikkel, Jens, Ole, Kristian, Eero, Juha, Mika, Jón',
    ),
    female: list(
      'Anna, Maria, Emma, Elin, Ingrid, Astrid, Sofia, Linnea, Karin, Maja, Freja, Ida, Mette, Sigrid, Nora, Ingeborg, Aino, Liisa, Sanna, Guðrún',
    ),
    last: list(
      'Andersson, Johansson, Karlsson, Nilsson, Eriksson, Larsson, Olsson, Persson, Svensson, Lindberg, Lindqvist, Berg, Nielsen, Jensen, Hansen, Pedersen, Andersen, Christensen, Larsen, Johansen, Olsen, Haugen, Virtanen, Korhonen, Mäkinen, Nieminen, Jónsson, Sigurðsson',
    ),
    mailDomains: list('telia.com, live.se, online.no, jubii.dk'),
  },
  french: {
    male: list(
      'Jean, Pierre, Louis, Nicolas, Julien, Antoine, Thomas, Lucas, Hugo, Mathieu, Philippe, Laurent, Olivier, François, Guillaume, Étienne, Théo, Benoît',
    ),
    female: list(
      'Marie, Camille, Léa, Manon, Chloé, Julie, Sophie, Isabelle, Nathalie, Céline, Élodie, Amélie, Claire, Inès, Margaux, Aurélie, Anaïs, Hélène',
    ),
    last: list(
      'Martin, Bernard, Dubois, Thomas, Robert, Richard, Petit, Durand, Leroy, Moreau, Simon, Laurent, Lefebvre, Michel, Garcia, David, Bertrand, Roux, Vincent, Fournier, Morel, Girard, Lefèvre, Mercier, Dupont, Lambert, Bonnet, Tremblay, Gagnon, Côté',
    ),
    mailDomains: list('orange.fr, free.fr, laposte.net, sfr.fr, videotron.ca'),
  },
  spanish: {
    male: list(
      'José, Juan, Carlos, Luis, Javier, Miguel, Alejandro, Diego, Pablo, Sergio, Andrés, Fernando, Jorge, Manuel, Santiago, Mateo, Rodrigo, Emilio, Raúl, Ignacio',
    ),
    female: list(
      'María, Carmen, Ana, Lucía, Sofía, Laura, Paula, Elena, Isabel, Marta, Valentina, Camila, Daniela, Gabriela, Alejandra, Natalia, Rocío, Pilar, Beatriz, Ximena',
    ),
    last: list(
      'García, Rodríguez, González, Fernández, López, Martínez, Sánchez, Pérez, Gómez, Martín, Jiménez, Ruiz, Hernández, Díaz, Moreno, Muñoz, Álvarez, Romero, Torres, Ramírez, Flores, Vargas, Castillo, Rojas, Morales, Ortiz, Castro, Suárez, Vega, Mendoza',
    ),
    mailDomains: list('hotmail.es, yahoo.es, telefonica.net, prodigy.net.mx'),
  },
  portuguese: {
    male: list(
      'João, Pedro, Lucas, Gabriel, Rafael, Tiago, Miguel, Gustavo, Bruno, Rodrigo, Felipe, André, Paulo, Ricardo, Eduardo, Thiago, Vinícius, Diogo',
    ),
    female: list(
      'Ana, Maria, Beatriz, Mariana, Juliana, Fernanda, Larissa, Camila, Letícia, Inês, Catarina, Rita, Carolina, Gabriela, Bruna, Patrícia, Luana, Sofia',
    ),
    last: list(
      'Silva, Santos, Oliveira, Souza, Rodrigues, Ferreira, Alves, Pereira, Lima, Gomes, Costa, Ribeiro, Martins, Carvalho, Almeida, Lopes, Sousa, Fernandes, Vieira, Barbosa, Rocha, Dias, Nascimento, Araújo, Moreira, Cardoso',
    ),
    mailDomains: list('uol.com.br, bol.com.br, terra.com.br, sapo.pt'),
  },
  italian: {
    male: list(
      'Marco, Giuseppe, Alessandro, Luca, Francesco, Andrea, Matteo, Lorenzo, Davide, Giovanni, Stefano, Paolo, Antonio, Riccardo, Federico, Simone, Fabio, Roberto',
    ),
    female: list(
      'Giulia, Francesca, Chiara, Sara, Martina, Valentina, Alessia, Elisa, Federica, Silvia, Laura, Paola, Elena, Giorgia, Alice, Aurora, Beatrice, Serena',
    ),
    last: list(
      'Rossi, Russo, Ferrari, Esposito, Bianchi, Romano, Colombo, Ricci, Marino, Greco, Bruno, Gallo, Conti, De Luca, Mancini, Costa, Giordano, Rizzo, Lombardi, Moretti, Barbieri, Fontana, Santoro, Mariani, Rinaldi, Caruso',
    ),
    mailDomains: list('libero.it, virgilio.it, alice.it, tiscali.it'),
  },
  central_european: {
    male: list(
      'Piotr, Krzysztof, Tomasz, Paweł, Michał, Marcin, Jakub, Łukasz, Jan, Petr, Martin, Tomáš, Jiří, László, Gábor, Zoltán, Andrei, Mihai, Bogdan, Ondřej',
    ),
    female: list(
      'Anna, Katarzyna, Małgorzata, Agnieszka, Magdalena, Joanna, Zofia, Ewa, Jana, Lucie, Tereza, Eva, Kateřina, Zsófia, Eszter, Katalin, Ioana, Elena, Andreea, Monika',
    ),
    last: list(
      'Nowak, Kowalski, Wiśniewski, Wójcik, Kowalczyk, Kamiński, Lewandowski, Zieliński, Szymański, Woźniak, Dąbrowski, Novák, Svoboda, Novotný, Dvořák, Černý, Procházka, Nagy, Kovács, Tóth, Szabó, Horváth, Popescu, Ionescu, Popa, Stan',
    ),
    mailDomains: list('wp.pl, onet.pl, o2.pl, seznam.cz, freemail.hu'),
  },
  east_slavic: {
    male: list(
      'Alexander, Dmitry, Sergey, Andrey, Alexey, Ivan, Mikhail, Nikolai, Vladimir, Pavel, Oleksandr, Taras, Andriy, Yuriy, Maksym, Bohdan',
    ),
    female: list(
      'Anastasia, Maria, Anna, Elena, Olga, Natalia, Tatiana, Irina, Ekaterina, Svetlana, Yulia, Oksana, Olena, Iryna, Kateryna, Daria',
    ),
    last: list(
      'Ivanov, Smirnov, Kuznetsov, Popov, Vasiliev, Petrov, Sokolov, Mikhailov, Novikov, Fedorov, Morozov, Volkov, Lebedev, Kozlov, Shevchenko, Kovalenko, Bondarenko, Tkachenko, Kravchenko, Melnyk, Boyko, Koval',
    ),
    mailDomains: list('mail.ru, yandex.ru, ukr.net, i.ua'),
  },
  greek: {
    male: list(
      'Georgios, Dimitrios, Konstantinos, Ioannis, Nikolaos, Panagiotis, Christos, Vasileios, Athanasios, Michail',
    ),
    female: list(
      'Maria, Eleni, Aikaterini, Vasiliki, Sofia, Angeliki, Georgia, Dimitra, Konstantina, Eirini',
    ),
    last: list(
      'Papadopoulos, Papadakis, Georgiou, Oikonomou, Pappas, Vlachos, Angelopoulos, Nikolaidis, Karagiannis, Makris, Dimitriou, Konstantinidis',
    ),
    mailDomains: list('otenet.gr, yahoo.gr'),
  },
  turkish: {
    male: list(
      'Mehmet, Mustafa, Ahmet, Ali, Hüseyin, Hasan, İbrahim, Murat, Emre, Burak, Can, Yusuf, Kerem, Serkan',
    ),
    female: list(
      'Ayşe, Fatma, Emine, Zeynep, Elif, Merve, Büşra, Esra, Selin, Derya, Ebru, Gül, Defne, Yasemin',
    ),
    last: list(
      'Yılmaz, Kaya, Demir, Şahin, Çelik, Yıldız, Yıldırım, Öztürk, Aydın, Özdemir, Arslan, Doğan, Kılıç, Aslan, Çetin, Kara, Koç, Kurt',
    ),
    mailDomains: list('hotmail.com.tr, mynet.com'),
  },
  arabic: {
    male: list(
      'Mohammed, Ahmed, Omar, Ali, Youssef, Khalid, Hassan, Ibrahim, Abdullah, Mahmoud, Karim, Tariq, Faisal, Samir, Rami, Nabil, Walid, Hamza',
    ),
    female: list(
      'Fatima, Aisha, Mariam, Nour, Layla, Sara, Yasmin, Huda, Amira, Salma, Rania, Leila, Hana, Dina, Reem, Zainab, Lina, Noura',
    ),
    last: list(
      'Al-Sayed, Hassan, Hussein, Ibrahim, Mahmoud, Mansour, Haddad, Khalil, Nasser, Saleh, Abdullah, Al-Farsi, Al-Rashid, Al-Mansouri, El-Amin, Benali, Bennani, Tazi, Haddadi, Aziz, Rahman, Qasim, Hamdan, Farouk',
    ),
    mailDomains: list('yahoo.fr, live.fr'),
  },
  hebrew: {
    male: list('David, Yosef, Moshe, Avraham, Daniel, Itai, Noam, Eitan, Ariel, Yonatan, Omer, Amit'),
    female: list('Noa, Tamar, Shira, Maya, Yael, Michal, Rivka, Adi, Talia, Avigail, Hila, Efrat'),
    last: list(
      'Cohen, Levi, Mizrahi, Peretz, Biton, Dahan, Avraham, Friedman, Azoulay, Katz, Shapiro, Goldberg, Ben-David, Rosenberg',
    ),
    mailDomains: list('walla.co.il, 012.net.il'),
  },
  south_asian: {
    male: list(
      'Aarav, Rahul, Amit, Rohan, Vikram, Arjun, Sanjay, Rajesh, Suresh, Anil, Karthik, Vivek, Aditya, Pranav, Imran, Bilal, Usman, Farhan, Tanvir, Nuwan',
    ),
    female: list(
      'Priya, Ananya, Aishwarya, Deepika, Kavya, Pooja, Neha, Sneha, Divya, Lakshmi, Meera, Shreya, Sunita, Anjali, Ayesha, Sana, Nadia, Farzana, Rukhsana, Dilani',
    ),
    last: list(
      'Sharma, Patel, Singh, Kumar, Gupta, Reddy, Rao, Iyer, Nair, Menon, Joshi, Mehta, Shah, Desai, Chatterjee, Banerjee, Mukherjee, Das, Bose, Verma, Agarwal, Pillai, Khan, Qureshi, Malik, Chaudhry, Hossain, Rahman, Perera, Fernando',
    ),
    mailDomains: list('rediffmail.com, yahoo.co.in'),
  },
  chinese: {
    male: list(
      'Wei, Jie, Hao, Lei, Jun, Ming, Yang, Tao, Qiang, Peng, Bo, Chen, Zhiwei, Jianguo, Haoran, Yichen, Kai, Wen',
    ),
    female: list(
      'Jing, Li, Ying, Xin, Yan, Fang, Min, Hui, Na, Ting, Xiaoling, Meiling, Yuqing, Zihan, Shu, Lan, Qian, Xue',
    ),
    last: list(
      'Wang, Li, Zhang, Liu, Chen, Yang, Huang, Zhao, Wu, Zhou, Xu, Sun, Ma, Zhu, Hu, Guo, He, Lin, Luo, Gao, Zheng, Liang, Tan, Lim, Ng, Wong, Chan, Lee',
    ),
    mailDomains: list('qq.com, 163.com, 126.com, sina.com'),
  },
  japanese: {
    male: list(
      'Haruto, Yuto, Sota, Riku, Hiroshi, Takashi, Kenji, Daisuke, Takumi, Kazuki, Shota, Ryo, Naoki, Satoshi',
    ),
    female: list('Yui, Hina, Sakura, Aoi, Yuki, Haruka, Misaki, Ayaka, Naomi, Emi, Keiko, Yoko, Mei, Rin'),
    last: list(
      'Sato, Suzuki, Takahashi, Tanaka, Watanabe, Ito, Yamamoto, Nakamura, Kobayashi, Kato, Yoshida, Yamada, Sasaki, Yamaguchi, Matsumoto, Inoue, Kimura, Hayashi',
    ),
    mailDomains: list('yahoo.co.jp, docomo.ne.jp, nifty.com'),
  },
  korean: {
    male: list(
      'Min-jun, Seo-jun, Ji-hoon, Hyun-woo, Jae-won, Sung-min, Dong-hyun, Jun-ho, Tae-yang, Young-ho',
    ),
    female: list('Seo-yeon, Ji-woo, Min-seo, Ha-eun, Su-bin, Ji-yeon, Hye-jin, Eun-ji, Yoo-jin, Soo-ah'),
    last: list('Kim, Lee, Park, Choi, Jung, Kang, Cho, Yoon, Jang, Lim, Han, Oh, Seo, Shin'),
    mailDomains: list('naver.com, daum.net, hanmail.net'),
  },
  vietnamese: {
    male: list('Minh, Huy, Duc, Tuan, Quang, Hoang, Long, Nam, Khanh, Thanh'),
    female: list('Linh, Mai, Lan, Huong, Trang, Thao, Ngoc, Anh, Hoa, Phuong'),
    last: list('Nguyen, Tran, Le, Pham, Hoang, Phan, Vu, Dang, Bui, Do, Ho, Ngo'),
    mailDomains: list('vnn.vn'),
  },
  southeast_asian: {
    male: list(
      'Budi, Agus, Adi, Rizky, Muhammad, Ahmad, Hafiz, Amir, Jose, Mark, Paolo, Somchai, Anan, Arif',
    ),
    female: list(
      'Siti, Dewi, Putri, Sri, Nur, Aisyah, Farah, Nurul, Maria, Angelica, Kristine, Siriporn, Nicha, Ploy',
    ),
    last: list(
      'Santoso, Wijaya, Hidayat, Saputra, Kusuma, Pratama, Abdullah, Ismail, Ibrahim, Rahman, Santos, Reyes, Cruz, Bautista, Garcia, Mendoza, Srisai, Wongsakul, Chaiyaporn',
    ),
    mailDomains: list('yahoo.co.id, yahoo.com.ph'),
  },
  west_african: {
    male: list(
      'Chinedu, Emeka, Oluwaseun, Tunde, Ibrahim, Musa, Kwame, Kofi, Yaw, Kwabena, Abdoulaye, Moussa, Segun, Chukwuma',
    ),
    female: list(
      'Ngozi, Chioma, Adaeze, Folake, Funmilayo, Aisha, Amina, Ama, Akosua, Abena, Efua, Fatou, Aminata, Yetunde',
    ),
    last: list(
      'Okafor, Okonkwo, Adeyemi, Ogunleye, Balogun, Eze, Nwosu, Bello, Abubakar, Mensah, Owusu, Boateng, Asante, Osei, Diallo, Ndiaye, Sow, Adebayo',
    ),
    mailDomains: list('yahoo.co.uk'),
  },
  east_african: {
    male: list(
      'Kiprono, Kamau, Otieno, Mwangi, Baraka, Juma, Abebe, Dawit, Tesfaye, Mugisha, Emmanuel, Peter, Samuel, Joseph',
    ),
    female: list(
      'Wambui, Akinyi, Njeri, Amani, Neema, Rehema, Halima, Selam, Hanna, Tigist, Aline, Grace, Faith, Mercy',
    ),
    last: list(
      'Kamau, Mwangi, Otieno, Ochieng, Kariuki, Njoroge, Mutua, Kiprop, Wanjala, Mohamed, Bekele, Tesfaye, Haile, Girma, Mugabo, Niyonzima, Mushi, Massawe',
    ),
    mailDomains: list('yahoo.com'),
  },
};

/** Global personal e-mail providers with rough relative popularity. */
export const GLOBAL_MAIL_DOMAINS: readonly (readonly [string, number])[] = [
  ['gmail.com', 45],
  ['outlook.com', 14],
  ['hotmail.com', 12],
  ['yahoo.com', 12],
  ['icloud.com', 8],
  ['proton.me', 3],
  ['live.com', 3],
  ['aol.com', 1],
];
