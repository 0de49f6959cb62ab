/**
 * Object-level describe results in Salesforce's JSON shapes: the entries of describeGlobal
 * (`DescribeGlobalSObjectResult`) and the full `DescribeSObjectResult` of one object, with its fields, child
 * relationships and record types.
 *
 * Simplified on purpose: every object of the org is queryable and searchable, and all but the read-only User
 * and Organization are createable, updateable, deletable and undeletable (the emulated user is an
 * administrator); only Account, Contact and Lead are mergeable; no
 * object is feed-enabled or has record types beyond Master; plural labels are made by English rules from the
 * label; `urls` lists only the resources an object's records and describe live at; child relationship names
 * of standard lookups come from a table, those of custom lookups follow Salesforce's default (the child's
 * plural label + `__r`), and other standard lookups have none.
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_sobject_describe.htm
 */
import type { SObjectSchema } from '../org/schemas.js';
import { describeField, sortedKeys } from './describe-fields.js';
import type { DescribeJson } from './describe-fields.js';

/** The Master record type every object has, with the id Salesforce gives it in every org. */
const MASTER_RECORD_TYPE_ID = '012000000000000AAA';

const MERGEABLE: ReadonlySet<string> = new Set(['Account', 'Contact', 'Lead']);

/** Child relationship names of the standard lookups, keyed `Child.Field`. */
const STANDARD_CHILD_RELATIONSHIPS: Readonly<Record<string, string>> = {
  'Account.ParentId': 'ChildAccounts',
  'Contact.AccountId': 'Contacts',
  'Opportunity.AccountId': 'Opportunities',
  'Opportunity.CampaignId': 'Opportunities',
  'Case.AccountId': 'Cases',
  'Case.ContactId': 'Cases',
  'Case.ParentId': 'Cases',
  'Campaign.ParentId': 'ChildCampaigns',
};

/** An English plural of a label: Opportunity → Opportunities, Case → Cases, Address → Addresses. */
export function pluralLabel(label: string): string {
  if (/[^aeiou]y$/i.test(label)) return `${label.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/i.test(label)) return `${label}es`;
  return `${label}s`;
}

function isCustom(schema: SObjectSchema): boolean {
  return schema.name.endsWith('__c');
}

/** The resources of an object, under the version of the request. */
function objectUrls(schema: SObjectSchema, version: string): DescribeJson {
  const base = `/services/data/v${version}/sobjects/${schema.name}`;
  return { rowTemplate: `${base}/{ID}`, describe: `${base}/describe`, sobject: base };
}

/** What describeGlobal and the full describe both say about an object. */
function objectFacts(schema: SObjectSchema, version: string): DescribeJson {
  // User and Organization are read here, never written.
  const writable = schema.queryOnly !== true;
  return {
    activateable: false,
    associateEntityType: null,
    associateParentEntity: null,
    createable: writable,
    custom: isCustom(schema),
    customSetting: false,
    deepCloneable: false,
    deletable: writable,
    deprecatedAndHidden: false,
    feedEnabled: false,
    hasSubtypes: false,
    isInterface: false,
    isSubtype: false,
    keyPrefix: schema.keyPrefix,
    label: schema.label,
    labelPlural: pluralLabel(schema.label),
    layoutable: true,
    mergeable: MERGEABLE.has(schema.name),
    mruEnabled: true,
    name: schema.name,
    queryable: true,
    replicateable: true,
    retrieveable: true,
    searchable: true,
    triggerable: true,
    undeletable: writable,
    updateable: writable,
    urls: objectUrls(schema, version),
  };
}

/** One entry of describeGlobal's `sobjects`. */
export function describeGlobalEntry(schema: SObjectSchema, version: string): DescribeJson {
  return sortedKeys(objectFacts(schema, version));
}

function childRelationshipName(child: SObjectSchema, fieldName: string): string | null {
  if (fieldName.endsWith('__c')) return `${pluralLabel(child.label).replace(/[^A-Za-z0-9]+/g, '_')}__r`;
  return STANDARD_CHILD_RELATIONSHIPS[`${child.name}.${fieldName}`] ?? null;
}

/** The lookups of every object of the org that point at `parent`. */
function childRelationships(parent: SObjectSchema, objects: readonly SObjectSchema[]): DescribeJson[] {
  return objects.flatMap((child) =>
    child.fields
      .filter((field) => field.referenceTo?.includes(parent.name) === true)
      .map((field) => ({
        cascadeDelete: false,
        childSObject: child.name,
        deprecatedAndHidden: false,
        field: field.name,
        junctionIdListNames: [],
        junctionReferenceTo: [],
        relationshipName: childRelationshipName(child, field.name),
        restrictedDelete: false,
      })),
  );
}

function recordTypeInfos(schema: SObjectSchema, version: string): DescribeJson[] {
  const layout = `/services/data/v${version}/sobjects/${schema.name}/describe/layouts/${MASTER_RECORD_TYPE_ID}`;
  return [
    {
      active: true,
      available: true,
      defaultRecordTypeMapping: true,
      developerName: 'Master',
      master: true,
      name: 'Master',
      recordTypeId: MASTER_RECORD_TYPE_ID,
      urls: { layout },
    },
  ];
}

/** The full describe of one object; `objects` are all of the org's, for child relationships. */
export function describeSObject(
  schema: SObjectSchema,
  objects: readonly SObjectSchema[],
  version: string,
): DescribeJson {
  const plural = pluralLabel(schema.label);
  return sortedKeys({
    ...objectFacts(schema, version),
    actionOverrides: [],
    childRelationships: childRelationships(schema, objects),
    compactLayoutable: true,
    defaultImplementation: null,
    extendedBy: null,
    extendsInterfaces: null,
    fields: schema.fields.map((field) => describeField(schema, field)),
    implementedBy: null,
    implementsInterfaces: null,
    listviewable: null,
    lookupLayoutable: null,
    namedLayoutInfos: [],
    networkScopeFieldName: null,
    recordTypeInfos: recordTypeInfos(schema, version),
    searchLayoutable: true,
    sobjectDescribeOption: 'FULL',
    supportedScopes: [
      { label: `All ${plural.toLowerCase()}`, name: 'everything' },
      { label: `My ${plural.toLowerCase()}`, name: 'mine' },
    ],
  });
}
