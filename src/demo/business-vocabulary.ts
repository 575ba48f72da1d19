/**
 * Words for demo companies and jobs: name stems (including the fictional companies of Microsoft's
 * Dynamics samples), what a company of each industry (account `industrycode`) calls itself, how
 * common each industry is, and job titles.
 */

export const COMPANY_STEMS: readonly string[] = [
  'Contoso',
  'Fabrikam',
  'Northwind',
  'Adventure Works',
  'Tailspin',
  'Wingtip',
  'Woodgrove',
  'Litware',
  'Proseware',
  'Adatum',
  'Lamna',
  'Relecloud',
  'Coho',
  'Alpine',
  'Blue Yonder',
  'Fourth',
  'Lucerne',
  'Trey',
  'Wide World',
  'Humongous',
  'Southridge',
  'VanArsdel',
  'Silverline',
  'Redwood',
  'Bluebird',
  'Summit',
  'Harbor',
  'Granite',
  'Evergreen',
  'Pinnacle',
  'Meridian',
  'Horizon',
  'Atlas',
  'Beacon',
  'Cascade',
  'Crescent',
  'Keystone',
  'Lighthouse',
  'Maple',
  'Northstar',
  'Oakridge',
  'Pioneer',
  'Quantum',
  'Riverside',
  'Sapphire',
  'Sterling',
  'Sunrise',
  'Trident',
  'Vertex',
  'Willow',
  'Zenith',
  'Ironwood',
  'Copperfield',
  'Brightwater',
  'Greenfield',
  'Silver Lake',
  'Red Rock',
  'Blue Harbor',
  'Golden Gate',
  'Eastwind',
  'Westbrook',
  'Clearwater',
  'Stonebridge',
  'Highland',
  'Lakeside',
  'Polaris',
];

// prettier-ignore
/** Index = industrycode - 1: how companies of that industry name themselves. */
export const INDUSTRY_NOUNS: readonly (readonly string[])[] = [
  ['Accounting', 'Tax Advisors', 'Audit Partners'], // 1 Accounting
  ['Farms', 'Agriculture', 'Timber', 'Mining'], // 2 Agriculture and Non-petrol Natural Resource Extraction
  ['Media', 'Publishing', 'Broadcasting', 'Press'], // 3 Broadcasting Printing and Publishing
  ['Brokers', 'Brokerage', 'Trading'], // 4 Brokers
  ['Building Supply', 'Hardware', 'Home Center'], // 5 Building Supply Retail
  ['Business Services', 'Solutions', 'Services', 'Outsourcing'], // 6 Business Services
  ['Consulting', 'Advisors', 'Partners', 'Strategy Group'], // 7 Consulting
  ['Consumer Services', 'Home Services', 'Cleaning'], // 8 Consumer Services
  ['Design', 'Creative', 'Studio', 'Architects'], // 9 Design, Direction and Creative Management
  ['Distribution', 'Dispatch', 'Processing'], // 10 Distributors, Dispatchers and Processors
  ['Clinic', 'Medical Group', 'Health', 'Dental'], // 11 Doctor's Offices and Clinics
  ['Manufacturing', 'Industries', 'Machinery', 'Engineering', 'Motors'], // 12 Durable Manufacturing
  ['Coffee', 'Bistro', 'Kitchen', 'Brewing Company', 'Winery'], // 13 Eating and Drinking Places
  ['Entertainment', 'Games', 'Music', 'Cinemas'], // 14 Entertainment Retail
  ['Rentals', 'Leasing', 'Equipment'], // 15 Equipment Rental and Leasing
  ['Bank', 'Capital', 'Financial', 'Investments'], // 16 Financial
  ['Foods', 'Bakery', 'Dairy', 'Tobacco'], // 17 Food and Tobacco Processing
  ['Steel', 'Chemicals', 'Materials', 'Metals'], // 18 Inbound Capital Intensive Processing
  ['Repair', 'Maintenance', 'Service Center'], // 19 Inbound Repair and Services
  ['Insurance', 'Assurance', 'Mutual'], // 20 Insurance
  ['Law', 'Legal', 'Attorneys'], // 21 Legal Services
  ['Stores', 'Retail', 'Outlet', 'Market'], // 22 Non-Durable Merchandise Retail
  ['Travel', 'Telemarketing', 'Events'], // 23 Outbound Consumer Service
  ['Energy', 'Oil', 'Petroleum', 'Gas'], // 24 Petrochemical Extraction and Distribution
  ['Salon', 'Fitness', 'Cleaners', 'Spa'], // 25 Service Retail
  ['Association', 'Society', 'Foundation'], // 26 SIG Affiliations
  ['Care', 'Community Services', 'Family Services'], // 27 Social Services
  ['Contractors', 'Construction', 'Builders', 'Plumbing'], // 28 Special Outbound Trade Contractors
  ['Realty', 'Properties', 'Real Estate', 'Estates'], // 29 Specialty Realty
  ['Logistics', 'Freight', 'Airlines', 'Shipping', 'Transport'], // 30 Transportation
  ['Utilities', 'Power', 'Water', 'Solar'], // 31 Utility Creation and Distribution
  ['Motors', 'Auto Group', 'Cars', 'Dealership'], // 32 Vehicle Retail
  ['Wholesale', 'Supply', 'Traders', 'Importers'], // 33 Wholesale
];

// prettier-ignore
/** Index = industrycode - 1: relative frequency (services and trade common, affiliations rare). */
export const INDUSTRY_WEIGHTS: readonly number[] = [
  4, 2, 3, 2, 2, 14, 10, 4, 3, 4, 5, 8, 5, 2, 2, 9, 3, 2, 2, 5, 4, 6, 2, 1, 4, 0.5, 1, 4, 3, 6, 1, 2, 7,
];

export const JOB_TITLES: readonly string[] = [
  'Account Manager',
  'Accountant',
  'Administrative Assistant',
  'Business Analyst',
  'Buyer',
  'Customer Service Representative',
  'Data Analyst',
  'Data Scientist',
  'Designer',
  'Developer',
  'Engineer',
  'Executive Assistant',
  'Financial Analyst',
  'HR Manager',
  'HR Specialist',
  'IT Manager',
  'IT Specialist',
  'Legal Counsel',
  'Logistics Coordinator',
  'Marketing Coordinator',
  'Marketing Manager',
  'Marketing Specialist',
  'Office Manager',
  'Operations Manager',
  'Product Manager',
  'Project Manager',
  'Purchasing Manager',
  'Quality Manager',
  'Receptionist',
  'Recruiter',
  'Research Scientist',
  'Sales Associate',
  'Sales Manager',
  'Sales Representative',
  'Software Engineer',
  'Solutions Architect',
  'Store Manager',
  'Supply Chain Manager',
  'Support Engineer',
  'System Administrator',
  'Team Lead',
  'Technician',
  'Consultant',
  'Senior Consultant',
  'Controller',
  'Content Strategist',
  'Nurse',
  'Physician',
  'Teacher',
  'Pharmacist',
  'Architect',
  'Electrician',
  'Chef',
  'Lawyer',
  'Paralegal',
];

/** Titles of the people companies name as their primary contact. */
export const SENIOR_TITLES: readonly string[] = [
  'Chief Executive Officer',
  'Chief Financial Officer',
  'Chief Operating Officer',
  'Chief Technology Officer',
  'Chief Marketing Officer',
  'Managing Director',
  'President',
  'Vice President of Sales',
  'Owner',
  'General Manager',
  'Head of Procurement',
  'Director of Operations',
  'Director of Marketing',
  'Founder',
];

/** Mailbox names of company addresses. */
export const COMPANY_MAILBOXES: readonly string[] = [
  'info',
  'contact',
  'hello',
  'sales',
  'office',
  'service',
];
