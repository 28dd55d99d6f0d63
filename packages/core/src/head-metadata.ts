/** Request metadata HeadService.Read understands. Shared by the head node and the SDK. */

/** Request metadata key that turns aggregation and the cache off for one HeadService.Read. */
export const COALESCE_METADATA_KEY = 'florin-coalesce';
/** The value of COALESCE_METADATA_KEY that bypasses aggregation. */
export const COALESCE_OFF = 'off';
