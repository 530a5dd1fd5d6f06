/**
 * Ordinals of Java `MQVersion.Version`, sent as `version` on every command. Peers gate behaviour on it: name servers
 * answer standard JSON routes to `>= V4_9_4`, Java clients refuse SQL92 against brokers below V4_1_0.
 */
export const MQVersion = {
  V3_0_6_SNAPSHOT: 26,
  V3_0_11: 37,
  V3_4_9: 121,
  V4_0_0: 213,
  V4_1_0_SNAPSHOT: 232,
  V4_3_0: 273,
  V4_5_0: 313,
  V4_7_0: 353,
  V4_8_0: 373,
  V4_9_0: 393,
  V4_9_4: 401,
  V4_9_8: 409,
  V5_0_0: 413,
  V5_1_0: 433,
  V5_1_4: 441,
  V5_2_0: 453,
  V5_3_0: 473,
  V5_3_1: 475,
  V5_3_2: 477,
  V5_3_3: 479,
  V5_3_4: 481,
  HIGHER_VERSION: 612,
} as const;

export type MQVersion = (typeof MQVersion)[keyof typeof MQVersion];

/** The version RocketNest sends on every command (clients and servers alike). */
export const CURRENT_VERSION: number = MQVersion.V5_3_3;
