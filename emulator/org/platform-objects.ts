/**
 * The objects clients read about the org itself: `User` (the emulator's users) and `Organization` (the one
 * record of the org). Both can be described and queried (REST, Bulk 2.0 and v1 queries) like any object; the
 * org keeps their records across resets. They are read-only here: no field is createable or updateable and
 * ingest jobs on them are refused (Salesforce can load Users; the emulator does not).
 * @see https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_user.htm
 * @see https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_organization.htm
 */
import { KeyPrefix } from './ids.js';
import { fields as f, systemFields } from './schemas.js';
import type { FieldSchema, FieldValue, SObjectSchema } from './schemas.js';

const READ_ONLY = { createable: false, updateable: false } as const;

/** Audit fields only: neither object has an owner or a recycle bin. */
function auditFields(): FieldSchema[] {
  return systemFields().filter((field) => field.name !== 'OwnerId' && field.name !== 'IsDeleted');
}

function readOnly(fields: readonly FieldSchema[]): FieldSchema[] {
  return fields.map((field) => ({ ...field, ...READ_ONLY }));
}

const TIME_ZONES = ['America/Los_Angeles', 'America/New_York', 'Europe/London', 'Europe/Paris', 'GMT'];
const LOCALES = ['en_US', 'en_GB', 'de_DE', 'fr_FR'];

/** Standard User, the fields clients read most. */
export const USER: SObjectSchema = {
  name: 'User',
  label: 'User',
  keyPrefix: KeyPrefix.User,
  queryOnly: true,
  fields: readOnly([
    ...auditFields(),
    f.text('Username', 'Username', 80, { unique: true }),
    f.text('LastName', 'Last Name', 80),
    f.text('FirstName', 'First Name', 40),
    f.text('Name', 'Full Name', 121),
    f.text('Alias', 'Alias', 8),
    f.text('CommunityNickname', 'Nickname', 40),
    { ...f.email('Email', 'Email'), length: 128 },
    f.boolean('IsActive', 'Active'),
    f.lookup('ProfileId', 'Profile ID', 'Profile', 'Profile'),
    f.picklist('UserType', 'User Type', ['Standard', 'PowerPartner', 'CsnOnly', 'Guest']),
    f.picklist('TimeZoneSidKey', 'Time Zone', TIME_ZONES),
    f.picklist('LocaleSidKey', 'Locale', LOCALES),
    f.picklist('LanguageLocaleKey', 'Language', ['en_US', 'de', 'fr']),
    f.picklist('EmailEncodingKey', 'Email Encoding', ['UTF-8', 'ISO-8859-1']),
  ]),
};

/** Standard Organization: one record, the org. */
export const ORGANIZATION: SObjectSchema = {
  name: 'Organization',
  label: 'Organization',
  keyPrefix: KeyPrefix.Organization,
  queryOnly: true,
  fields: readOnly([
    ...auditFields(),
    f.text('Name', 'Name', 80),
    f.text('Division', 'Division', 80),
    f.text('Country', 'Country', 80),
    f.text('PrimaryContact', 'Primary Contact', 80),
    f.picklist('OrganizationType', 'Edition', ['Developer Edition', 'Enterprise Edition', 'Unlimited Edition']),
    f.boolean('IsSandbox', 'Is Sandbox'),
    f.text('InstanceName', 'Instance Name', 5),
    f.text('NamespacePrefix', 'Namespace Prefix', 15),
    f.picklist('DefaultLocaleSidKey', 'Locale', LOCALES),
    f.picklist('LanguageLocaleKey', 'Language', ['en_US', 'de', 'fr']),
    f.picklist('TimeZoneSidKey', 'Time Zone', TIME_ZONES),
    f.dateTime('TrialExpirationDate', 'Trial Expiration Date'),
    f.int('FiscalYearStartMonth', 'Fiscal Year Starts In', 2),
  ]),
};

/** A user as the `User` object shows it. */
export interface UserFacts {
  id: string;
  username: string;
  firstName: string;
  lastName: string;
  email: string;
  profileId: string;
}

/** The org as the `Organization` object shows it. */
export interface OrganizationFacts {
  id: string;
  name: string;
  instanceName: string;
}

type Row = Record<string, FieldValue>;

function audit(createdById: string, at: string): Row {
  return {
    CreatedDate: at,
    CreatedById: createdById,
    LastModifiedDate: at,
    LastModifiedById: createdById,
    SystemModstamp: at,
  };
}

/** The `User` records of the org's users; the first user created them all, at `at`. */
export function userRecords(users: readonly UserFacts[], at: string): Row[] {
  const creator = users[0]?.id ?? '';
  return users.map((user) => ({
    Id: user.id,
    Username: user.username,
    LastName: user.lastName,
    FirstName: user.firstName,
    Name: `${user.firstName} ${user.lastName}`,
    Alias: (user.firstName.slice(0, 1) + user.lastName.slice(0, 4)).toLowerCase(),
    CommunityNickname: user.username.split('@')[0] ?? user.username,
    Email: user.email,
    IsActive: true,
    ProfileId: user.profileId,
    UserType: 'Standard',
    TimeZoneSidKey: 'America/Los_Angeles',
    LocaleSidKey: 'en_US',
    LanguageLocaleKey: 'en_US',
    EmailEncodingKey: 'UTF-8',
    ...audit(creator, at),
  }));
}

/** The one `Organization` record. */
export function organizationRecord(org: OrganizationFacts, createdById: string, at: string): Row {
  return {
    Id: org.id,
    Name: org.name,
    Division: null,
    Country: 'US',
    PrimaryContact: null,
    OrganizationType: 'Developer Edition',
    IsSandbox: false,
    InstanceName: org.instanceName,
    NamespacePrefix: null,
    DefaultLocaleSidKey: 'en_US',
    LanguageLocaleKey: 'en_US',
    TimeZoneSidKey: 'America/Los_Angeles',
    TrialExpirationDate: null,
    FiscalYearStartMonth: 1,
    ...audit(createdById, at),
  };
}
