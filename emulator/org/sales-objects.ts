/**
 * The sales and service standard objects: Lead, Opportunity, Case and Campaign, with the fields, lengths,
 * required flags, defaults and lookups of a real org. Opportunity.StageName, Lead.Status and Case.Status are
 * restricted picklists here, so bad values fail with INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST; like Account and
 * Contact, each carries an `External_Id__c` external id for upserts.
 */
import { KeyPrefix } from './ids.js';
import { fields as f, systemFields } from './schemas.js';
import type { FieldSchema, SObjectSchema } from './schemas.js';

const READ_ONLY = { createable: false, updateable: false } as const;
const LEAD_SOURCES = ['Web', 'Phone Inquiry', 'Partner Referral', 'Purchased List', 'Other'] as const;

/** Opportunity stages and the probability each one implies. */
const STAGES: ReadonlyArray<readonly [string, number]> = [
  ['Prospecting', 10],
  ['Qualification', 10],
  ['Needs Analysis', 20],
  ['Value Proposition', 50],
  ['Id. Decision Makers', 60],
  ['Perception Analysis', 70],
  ['Proposal/Price Quote', 75],
  ['Negotiation/Review', 90],
  ['Closed Won', 100],
  ['Closed Lost', 0],
];

function withDefault(field: FieldSchema, defaultValue: string): FieldSchema {
  return { ...field, defaultValue };
}

function fullName(record: Record<string, unknown>): string {
  return [record['FirstName'], record['LastName']].filter((part) => typeof part === 'string' && part).join(' ');
}

/** Standard Lead. */
export const LEAD: SObjectSchema = {
  name: 'Lead',
  label: 'Lead',
  keyPrefix: KeyPrefix.Lead,
  fields: [
    ...systemFields(),
    f.text('LastName', 'Last Name', 80, { required: true }),
    f.text('FirstName', 'First Name', 40),
    f.picklist('Salutation', 'Salutation', ['Mr.', 'Ms.', 'Mrs.', 'Dr.', 'Prof.']),
    f.text('Name', 'Full Name', 121, READ_ONLY),
    f.text('Title', 'Title', 128),
    f.text('Company', 'Company', 255, { required: true }),
    f.textArea('Street', 'Street', 255),
    f.text('City', 'City', 40),
    f.text('State', 'State/Province', 80),
    f.text('PostalCode', 'Zip/Postal Code', 20),
    f.text('Country', 'Country', 80),
    f.phone('Phone', 'Phone'),
    f.phone('MobilePhone', 'Mobile Phone'),
    f.email('Email', 'Email'),
    f.url('Website', 'Website'),
    f.textArea('Description', 'Description', 32000),
    f.picklist('LeadSource', 'Lead Source', LEAD_SOURCES),
    withDefault(
      {
        ...f.picklist(
          'Status',
          'Status',
          ['Open - Not Contacted', 'Working - Contacted', 'Closed - Converted', 'Closed - Not Converted'],
          true,
        ),
        required: true,
      },
      'Open - Not Contacted',
    ),
    f.picklist('Industry', 'Industry', ['Agriculture', 'Banking', 'Education', 'Healthcare', 'Technology', 'Other']),
    f.picklist('Rating', 'Rating', ['Hot', 'Warm', 'Cold']),
    f.currency('AnnualRevenue', 'Annual Revenue'),
    f.int('NumberOfEmployees', 'Employees'),
    f.boolean('HasOptedOutOfEmail', 'Email Opt Out'),
    f.boolean('DoNotCall', 'Do Not Call'),
    { ...f.boolean('IsConverted', 'Converted'), ...READ_ONLY },
    f.externalId('External_Id__c', 'External Id'),
  ],
  derive: (record) => ({ Name: fullName(record) }),
};

/** Standard Campaign. */
export const CAMPAIGN: SObjectSchema = {
  name: 'Campaign',
  label: 'Campaign',
  keyPrefix: KeyPrefix.Campaign,
  fields: [
    ...systemFields(),
    f.text('Name', 'Name', 80, { required: true }),
    f.lookup('ParentId', 'Parent Campaign ID', 'Campaign', 'Parent'),
    f.picklist('Type', 'Type', [
      'Advertisement',
      'Email',
      'Telemarketing',
      'Banner Ads',
      'Seminar / Conference',
      'Public Relations',
      'Partners',
      'Referral Program',
      'Other',
    ]),
    withDefault(f.picklist('Status', 'Status', ['Planned', 'In Progress', 'Completed', 'Aborted']), 'Planned'),
    f.date('StartDate', 'Start Date'),
    f.date('EndDate', 'End Date'),
    f.currency('ExpectedRevenue', 'Expected Revenue in Campaign'),
    f.currency('BudgetedCost', 'Budgeted Cost in Campaign'),
    f.currency('ActualCost', 'Actual Cost in Campaign'),
    { ...f.double('ExpectedResponse', 'Expected Response (%)', 10, 2), type: 'percent' },
    f.double('NumberSent', 'Num Sent in Campaign', 18, 0),
    f.boolean('IsActive', 'Active'),
    f.textArea('Description', 'Description', 32000),
    f.externalId('External_Id__c', 'External Id'),
  ],
};

/** Standard Opportunity; IsClosed, IsWon and a missing Probability follow the stage. */
export const OPPORTUNITY: SObjectSchema = {
  name: 'Opportunity',
  label: 'Opportunity',
  keyPrefix: KeyPrefix.Opportunity,
  fields: [
    ...systemFields(),
    f.lookup('AccountId', 'Account ID', 'Account', 'Account'),
    f.text('Name', 'Name', 120, { required: true }),
    f.textArea('Description', 'Description', 32000),
    {
      ...f.picklist(
        'StageName',
        'Stage',
        STAGES.map(([stage]) => stage),
        true,
      ),
      required: true,
    },
    f.currency('Amount', 'Amount', 18, 2),
    { ...f.double('Probability', 'Probability (%)', 3, 0), type: 'percent' },
    { ...f.date('CloseDate', 'Close Date'), required: true },
    f.picklist('Type', 'Opportunity Type', [
      'Existing Customer - Upgrade',
      'Existing Customer - Replacement',
      'Existing Customer - Downgrade',
      'New Customer',
    ]),
    f.text('NextStep', 'Next Step', 255),
    f.picklist('LeadSource', 'Lead Source', LEAD_SOURCES),
    f.lookup('CampaignId', 'Campaign ID', 'Campaign', 'Campaign'),
    { ...f.boolean('IsClosed', 'Closed'), ...READ_ONLY },
    { ...f.boolean('IsWon', 'Won'), ...READ_ONLY },
    f.externalId('External_Id__c', 'External Id'),
  ],
  derive: (record) => {
    const stage = STAGES.find(([name]) => name === record['StageName']);
    return {
      IsClosed: stage?.[0].startsWith('Closed') ?? false,
      IsWon: stage?.[0] === 'Closed Won',
      Probability: record['Probability'] ?? stage?.[1] ?? null,
    };
  },
};

/** Standard Case; CaseNumber is an auto-number and IsClosed follows the status. */
export const CASE: SObjectSchema = {
  name: 'Case',
  label: 'Case',
  keyPrefix: KeyPrefix.Case,
  fields: [
    ...systemFields(),
    { ...f.text('CaseNumber', 'Case Number', 30, READ_ONLY), autoNumber: { digits: 8 } },
    f.lookup('ContactId', 'Contact ID', 'Contact', 'Contact'),
    f.lookup('AccountId', 'Account ID', 'Account', 'Account'),
    f.lookup('ParentId', 'Parent Case ID', 'Case', 'Parent'),
    f.text('SuppliedName', 'Name', 80),
    f.email('SuppliedEmail', 'Email Address'),
    f.text('SuppliedPhone', 'Phone', 40),
    f.text('SuppliedCompany', 'Company', 80),
    f.picklist('Type', 'Case Type', ['Question', 'Problem', 'Feature Request']),
    withDefault(f.picklist('Status', 'Status', ['New', 'Working', 'Escalated', 'Closed'], true), 'New'),
    f.picklist('Reason', 'Case Reason', [
      'Installation',
      'Equipment Complexity',
      'Performance',
      'Breakdown',
      'Equipment Design',
      'Feedback',
      'Other',
    ]),
    f.picklist('Origin', 'Case Origin', ['Phone', 'Email', 'Web']),
    withDefault(f.picklist('Priority', 'Priority', ['High', 'Medium', 'Low']), 'Medium'),
    f.text('Subject', 'Subject', 255),
    f.textArea('Description', 'Description', 32000),
    { ...f.boolean('IsClosed', 'Closed'), ...READ_ONLY },
    f.boolean('IsEscalated', 'Escalated'),
    f.externalId('External_Id__c', 'External Id'),
  ],
  derive: (record) => ({ IsClosed: record['Status'] === 'Closed' }),
};
