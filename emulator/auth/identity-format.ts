/**
 * The JSON documents of the identity URL and of OpenID Connect's UserInfo endpoint, with the fields Salesforce
 * documents for each, in its order. Values the emulator has no notion of are fixed: no phone, no address but
 * the country, photos under `/profilephoto/`, the user's status empty.
 * @see https://help.salesforce.com/s/articleView?id=sf.remoteaccess_using_openid.htm
 * @see https://help.salesforce.com/s/articleView?id=sf.remoteaccess_using_userinfo_endpoint.htm
 */
import type { FieldValue } from '../org/field-values.js';
import type { OrgUser } from './credentials.js';

/** What both documents are made of. */
export interface IdentityFacts {
  user: OrgUser;
  /** The user's `User` record: time zone, locale, dates. */
  record: Record<string, FieldValue>;
  /** The API version put into the URLs, or `{version}`. */
  version: string;
  baseUrl: string;
  orgId: string;
}

/** Salesforce answers dates of these documents in ISO form with `Z`. */
function isoDate(value: FieldValue | undefined): string | null {
  if (typeof value !== 'string') return null;
  const time = Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(time) ? null : new Date(time).toISOString().replace('.000Z', 'Z');
}

function text(value: FieldValue | undefined, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

/** The endpoints a client can talk to, as both documents list them. */
function urls({ baseUrl, orgId, user, version }: IdentityFacts): Record<string, string> {
  const org15 = orgId.slice(0, 15);
  const rest = `${baseUrl}/services/data/v${version}`;
  return {
    enterprise: `${baseUrl}/services/Soap/c/${version}/${org15}`,
    metadata: `${baseUrl}/services/Soap/m/${version}/${org15}`,
    partner: `${baseUrl}/services/Soap/u/${version}/${org15}`,
    rest: `${rest}/`,
    sobjects: `${rest}/sobjects/`,
    search: `${rest}/search/`,
    query: `${rest}/query/`,
    recent: `${rest}/recent/`,
    tooling_soap: `${baseUrl}/services/Soap/T/${version}/${org15}`,
    tooling_rest: `${rest}/tooling/`,
    profile: `${baseUrl}/${user.id}`,
    feeds: `${rest}/chatter/feeds`,
    groups: `${rest}/chatter/groups`,
    users: `${rest}/chatter/users`,
    feed_items: `${rest}/chatter/feed-items`,
    feed_elements: `${rest}/chatter/feed-elements`,
    custom_domain: baseUrl,
  };
}

function photos({ baseUrl }: IdentityFacts) {
  const base = `${baseUrl}/profilephoto/005/`;
  return { picture: `${base}F`, thumbnail: `${base}T` };
}

/** The identity URL's document. */
export function identityDocument(facts: IdentityFacts): Record<string, unknown> {
  const { user, record, baseUrl, orgId } = facts;
  const { picture, thumbnail } = photos(facts);
  return {
    id: `${baseUrl}/id/${orgId}/${user.id}`,
    asserted_user: true,
    user_id: user.id,
    organization_id: orgId,
    username: user.username,
    nick_name: text(record['CommunityNickname'], user.username),
    display_name: user.fullName,
    email: user.email,
    email_verified: true,
    first_name: user.firstName,
    last_name: user.lastName,
    timezone: text(record['TimeZoneSidKey'], 'America/Los_Angeles'),
    photos: { picture, thumbnail },
    addr_street: null,
    addr_city: null,
    addr_state: null,
    addr_country: 'US',
    addr_zip: null,
    mobile_phone: null,
    mobile_phone_verified: false,
    is_lightning_login_user: false,
    status: { created_date: null, body: null },
    urls: urls(facts),
    active: record['IsActive'] !== false,
    user_type: 'STANDARD',
    language: text(record['LanguageLocaleKey'], 'en_US'),
    locale: text(record['LocaleSidKey'], 'en_US'),
    utcOffset: -28800000,
    last_modified_date: isoDate(record['LastModifiedDate']),
    is_app_installed: true,
  };
}

/** The UserInfo endpoint's document (OpenID Connect claims plus Salesforce's own). */
export function userInfoDocument(facts: IdentityFacts): Record<string, unknown> {
  const { user, record, baseUrl, orgId } = facts;
  const { picture, thumbnail } = photos(facts);
  return {
    sub: `${baseUrl}/id/${orgId}/${user.id}`,
    user_id: user.id,
    organization_id: orgId,
    preferred_username: user.username,
    nickname: text(record['CommunityNickname'], user.username),
    name: user.fullName,
    email: user.email,
    email_verified: true,
    given_name: user.firstName,
    family_name: user.lastName,
    zoneinfo: text(record['TimeZoneSidKey'], 'America/Los_Angeles'),
    photos: { picture, thumbnail },
    profile: `${baseUrl}/${user.id}`,
    picture,
    address: { country: 'US' },
    is_salesforce_integration_user: false,
    urls: urls(facts),
    active: record['IsActive'] !== false,
    user_type: 'STANDARD',
    language: text(record['LanguageLocaleKey'], 'en_US'),
    locale: text(record['LocaleSidKey'], 'en_US'),
    utcOffset: -28800000,
    updated_at: isoDate(record['LastModifiedDate']),
    is_app_installed: true,
  };
}
