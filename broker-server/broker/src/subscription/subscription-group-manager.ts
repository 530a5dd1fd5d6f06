import * as path from 'node:path';
import {
  createSubscriptionGroupConfig,
  decodeSubscriptionGroupWrapper,
  encodeSubscriptionGroupWrapper,
  newDataVersion,
  nextDataVersion,
  type DataVersion,
  type SubscriptionGroupConfig,
} from '@rocketnest/common';

/** A group with the 5.x broker's defaults. */
export function newSubscriptionGroupConfig(group: string): SubscriptionGroupConfig {
  return createSubscriptionGroupConfig(group, {}, { javaVersion: 5 });
}
import type { BrokerConfig } from '../config/broker-config';
import { readConfigFile, writeFileAtomicSync } from '../config/config-file';

/** Groups the Java broker creates at start (`SubscriptionGroupManager.init`). */
export const SYSTEM_GROUPS: readonly string[] = [
  'TOOLS_CONSUMER',
  'FILTERSRV_CONSUMER',
  'SELF_TEST_C_GROUP',
  'CID_ONS-HTTP-PROXY',
  'CID_ONSAPI_PULL',
  'CID_ONSAPI_PERMISSION',
  'CID_ONSAPI_OWNER',
  'CID_RMQ_SYS_TRANS',
];

/**
 * Consumer-group settings, persisted as `config/subscriptionGroup.json` (Java `SubscriptionGroupManager`). Groups are
 * auto-created on first use when `autoCreateSubscriptionGroup` is on.
 */
export class SubscriptionGroupManager {
  readonly subscriptionGroupTable = new Map<string, SubscriptionGroupConfig>();
  /** 5.x `forbiddenTable`: group → topic → forbidden bits. Kept and written back as loaded. */
  forbiddenTable: Record<string, unknown> = {};
  dataVersion: DataVersion = newDataVersion();
  readonly file: string;

  constructor(private readonly brokerConfig: BrokerConfig) {
    this.file = path.join(brokerConfig.storePathRootDir, 'config', 'subscriptionGroup.json');
    for (const g of SYSTEM_GROUPS) this.subscriptionGroupTable.set(g, newSubscriptionGroupConfig(g));
  }

  load(): boolean {
    const loaded = readConfigFile(this.file, (text) => decodeSubscriptionGroupWrapper(text));
    if (!loaded) return true;
    for (const [name, cfg] of Object.entries(loaded.subscriptionGroupTable)) this.subscriptionGroupTable.set(name, cfg);
    this.forbiddenTable = loaded.forbiddenTable ?? {};
    this.dataVersion = loaded.dataVersion;
    return true;
  }

  encode(): string {
    return encodeSubscriptionGroupWrapper(
      {
        subscriptionGroupTable: Object.fromEntries(this.subscriptionGroupTable),
        forbiddenTable: this.forbiddenTable,
        dataVersion: this.dataVersion,
      },
      { pretty: true },
    ).toString('utf8');
  }

  persist(): void {
    writeFileAtomicSync(this.file, this.encode());
  }

  /** The group's config; auto-created (and persisted) when unknown and `autoCreateSubscriptionGroup` is on. */
  findSubscriptionGroupConfig(group: string): SubscriptionGroupConfig | undefined {
    let cfg = this.subscriptionGroupTable.get(group);
    if (!cfg && this.brokerConfig.autoCreateSubscriptionGroup) {
      cfg = newSubscriptionGroupConfig(group);
      this.subscriptionGroupTable.set(group, cfg);
      this.dataVersion = nextDataVersion(this.dataVersion);
      this.persist();
    }
    return cfg;
  }

  containsSubscriptionGroup(group: string): boolean {
    return this.subscriptionGroupTable.has(group);
  }

  updateSubscriptionGroupConfig(cfg: SubscriptionGroupConfig): void {
    this.subscriptionGroupTable.set(cfg.groupName, cfg);
    this.dataVersion = nextDataVersion(this.dataVersion);
    this.persist();
  }

  deleteSubscriptionGroupConfig(group: string): boolean {
    if (!this.subscriptionGroupTable.delete(group)) return false;
    delete this.forbiddenTable[group];
    this.dataVersion = nextDataVersion(this.dataVersion);
    this.persist();
    return true;
  }
}
