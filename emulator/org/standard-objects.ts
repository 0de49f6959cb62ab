/**
 * Standard objects of the emulated org, with the fields, types, lengths and required flags of a real org.
 * Each also carries a custom `External_Id__c` text field marked as external id, the way orgs are usually set
 * up for upserts (standard Account and Contact have no external id of their own).
 */
import { KeyPrefix } from './ids.js';
import { ORGANIZATION, USER } from './platform-objects.js';
import { CAMPAIGN, CASE, LEAD, OPPORTUNITY } from './sales-objects.js';
import { fields as f, systemFields } from './schemas.js';
import type { SObjectSchema } from './schemas.js';

const INDUSTRIES = [
  'Agriculture',
  'Apparel',
  'Banking',
  'Biotechnology',
  'Chemicals',
  'Communications',
  'Construction',
  'Consulting',
  'Education',
  'Electronics',
  'Energy',
  'Engineering',
  'Entertainment',
  'Environmental',
  'Finance',
  'Food & Beverage',
  'Government',
  'Healthcare',
  'Hospitality',
  'Insurance',
  'Machinery',
  'Media',
  'Not For Profit',
  'Recreation',
  'Retail',
  'Shipping',
  'Technology',
  'Telecommunications',
  'Transportation',
  'Utilities',
  'Other',
] as const;

const LEAD_SOURCES = ['Web', 'Phone Inquiry', 'Partner Referral', 'Purchased List', 'Other'] as const;

/** Standard Account. */
export const ACCOUNT: SObjectSchema = {
  name: 'Account',
  label: 'Account',
  keyPrefix: KeyPrefix.Account,
  fields: [
    ...systemFields(),
    f.text('Name', 'Account Name', 255, { required: true }),
    f.picklist('Type', 'Account Type', ['Prospect', 'Customer - Direct', 'Customer - Channel', 'Partner', 'Other']),
    f.lookup('ParentId', 'Parent Account ID', 'Account', 'Parent'),
    f.textArea('BillingStreet', 'Billing Street', 255),
    f.text('BillingCity', 'Billing City', 40),
    f.text('BillingState', 'Billing State/Province', 80),
    f.text('BillingPostalCode', 'Billing Zip/Postal Code', 20),
    f.text('BillingCountry', 'Billing Country', 80),
    f.textArea('ShippingStreet', 'Shipping Street', 255),
    f.text('ShippingCity', 'Shipping City', 40),
    f.text('ShippingState', 'Shipping State/Province', 80),
    f.text('ShippingPostalCode', 'Shipping Zip/Postal Code', 20),
    f.text('ShippingCountry', 'Shipping Country', 80),
    f.phone('Phone', 'Account Phone'),
    f.phone('Fax', 'Account Fax'),
    f.text('AccountNumber', 'Account Number', 40),
    f.url('Website', 'Website'),
    f.text('Sic', 'SIC Code', 20),
    f.picklist('Industry', 'Industry', INDUSTRIES),
    f.currency('AnnualRevenue', 'Annual Revenue'),
    f.int('NumberOfEmployees', 'Employees'),
    f.picklist('Ownership', 'Ownership', ['Public', 'Private', 'Subsidiary', 'Other']),
    f.text('TickerSymbol', 'Ticker Symbol', 20),
    f.textArea('Description', 'Account Description', 32000),
    f.picklist('Rating', 'Account Rating', ['Hot', 'Warm', 'Cold']),
    f.text('Site', 'Account Site', 80),
    f.externalId('External_Id__c', 'External Id'),
  ],
};

/** Standard Contact. */
export const CONTACT: SObjectSchema = {
  name: 'Contact',
  label: 'Contact',
  keyPrefix: KeyPrefix.Contact,
  fields: [
    ...systemFields(),
    f.lookup('AccountId', 'Account ID', 'Account', 'Account'),
    f.text('LastName', 'Last Name', 80, { required: true }),
    f.text('FirstName', 'First Name', 40),
    f.picklist('Salutation', 'Salutation', ['Mr.', 'Ms.', 'Mrs.', 'Dr.', 'Prof.']),
    f.text('Name', 'Full Name', 121, { createable: false, updateable: false }),
    f.textArea('MailingStreet', 'Mailing Street', 255),
    f.text('MailingCity', 'Mailing City', 40),
    f.text('MailingState', 'Mailing State/Province', 80),
    f.text('MailingPostalCode', 'Mailing Zip/Postal Code', 20),
    f.text('MailingCountry', 'Mailing Country', 80),
    f.phone('Phone', 'Business Phone'),
    f.phone('MobilePhone', 'Mobile Phone'),
    f.phone('HomePhone', 'Home Phone'),
    f.email('Email', 'Email'),
    f.text('Title', 'Title', 128),
    f.text('Department', 'Department', 80),
    f.date('Birthdate', 'Birthdate'),
    f.picklist('LeadSource', 'Lead Source', LEAD_SOURCES),
    f.boolean('HasOptedOutOfEmail', 'Email Opt Out'),
    f.boolean('DoNotCall', 'Do Not Call'),
    f.textArea('Description', 'Contact Description', 32000),
    f.externalId('External_Id__c', 'External Id'),
  ],
  derive: (record) => ({
    Name: [record['FirstName'], record['LastName']].filter((part) => typeof part === 'string' && part).join(' '),
  }),
};

/** The objects a fresh org starts with. */
export const STANDARD_OBJECTS: readonly SObjectSchema[] = [
  ACCOUNT,
  CONTACT,
  LEAD,
  OPPORTUNITY,
  CASE,
  CAMPAIGN,
  USER,
  ORGANIZATION,
];
