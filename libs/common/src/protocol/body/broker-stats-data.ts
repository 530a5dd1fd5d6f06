/** One window of a broker stats item (Java `BrokerStatsItem`): count, per-second rate and average time. */
export interface BrokerStatsItem {
  sum: number;
  /** Java double. */
  tps: number;
  /** Java double. */
  avgpt: number;
}

/** VIEW_BROKER_STATS_DATA answer (Java `BrokerStatsData`): the last minute, hour and day of one stats item. */
export interface BrokerStatsData {
  statsMinute: BrokerStatsItem;
  statsHour: BrokerStatsItem;
  statsDay: BrokerStatsItem;
}
