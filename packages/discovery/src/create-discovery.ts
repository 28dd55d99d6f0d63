import type { Discovery } from './discovery.js';
import { CloudMapDiscovery, type CloudMapDiscoveryOptions } from './cloud-map-discovery.js';
import { DnsDiscovery, type DnsDiscoveryOptions } from './dns-discovery.js';
import { LocalRegistryDiscovery, type LocalRegistryOptions } from './local-registry.js';
import { RelayedDiscovery, type RelayedDiscoveryOptions } from './relayed-discovery.js';
import { StaticDiscovery, type StaticDiscoveryOptions } from './static-discovery.js';

/** Which backend and its options, as the CLI and processes' options carry it. */
export type DiscoveryConfig =
  | ({ readonly kind: 'static' } & StaticDiscoveryOptions)
  | ({ readonly kind: 'local' } & LocalRegistryOptions)
  | ({ readonly kind: 'dns' } & DnsDiscoveryOptions)
  | ({ readonly kind: 'cloudmap' } & CloudMapDiscoveryOptions)
  | ({ readonly kind: 'relay' } & RelayedDiscoveryOptions);

export function createDiscovery(config: DiscoveryConfig): Discovery {
  switch (config.kind) {
    case 'static':
      return new StaticDiscovery(config);
    case 'local':
      return new LocalRegistryDiscovery(config);
    case 'dns':
      return new DnsDiscovery(config);
    case 'cloudmap':
      return new CloudMapDiscovery(config);
    case 'relay':
      return new RelayedDiscovery(config);
  }
}
