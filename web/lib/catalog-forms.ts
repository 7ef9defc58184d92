// Field labels and choices of the catalog page's forms, shared by the page and its action.
import { siteEventTypes } from "#schemas/learn";

export const endpointLabels = { url: "Endpoint URL", description: "Description", events: "Events" };
export const keyLabels = { name: "Key name" };
export const eventTypes = siteEventTypes;
