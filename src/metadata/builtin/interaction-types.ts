import type { AttributeMetadata } from '../model.ts';
import type { InteractionTypeMetadata } from '../interactions.ts';
import { attr, str } from './define.ts';

/**
 * The built-in interaction types, named as the marketing-insights service names them. Each links
 * to contact through `<Type>_ContactLink`; the schema file can add properties and links to them
 * and declare more types.
 */

const emailId = () => str('emailid', 'EmailId', 100);
const campaignName = () => str('campaignname', 'CampaignName', 200);
const name = () => str('name', 'Name', 200);
const url = () => str('url', 'Url', 2000);
const value = () =>
  attr('value', 'Decimal', 'Value', { precision: 4, minValue: -100000000000, maxValue: 100000000000 });

function builtin(
  typeName: string,
  displayName: string,
  properties: AttributeMetadata[],
): InteractionTypeMetadata {
  for (const p of properties) p.validForUpdate = false;
  return {
    name: typeName,
    displayName,
    properties,
    links: [{ name: `${typeName}_ContactLink`, entity: 'contact', attribute: 'contactid' }],
    isCustom: false,
  };
}

export function builtinInteractionTypes(): InteractionTypeMetadata[] {
  return [
    builtin('EmailSent', 'Email sent', [emailId(), campaignName(), name()]),
    builtin('EmailDelivered', 'Email delivered', [emailId(), campaignName(), name()]),
    builtin('EmailOpened', 'Email opened', [emailId(), campaignName(), name()]),
    builtin('EmailClicked', 'Email clicked', [emailId(), campaignName(), name(), url()]),
    builtin('EmailSoftBounced', 'Email soft bounced', [emailId(), campaignName(), name()]),
    builtin('EmailHardBounced', 'Email hard bounced', [emailId(), campaignName(), name()]),
    builtin('RedirectLinkClicked', 'Redirect link clicked', [emailId(), campaignName(), url()]),
    builtin('FormSubmitted', 'Form submitted', [name(), campaignName(), url(), value()]),
    builtin('EventRegistered', 'Event registered', [name(), campaignName(), value()]),
  ];
}
