import * as path from 'node:path';
import { decodeSetMessageRequestModeRequestBody, type SetMessageRequestModeRequestBody } from '@rocketnest/common';
import { readConfigFile, writeFileAtomicSync } from '../config/config-file';

/**
 * The consume mode (PULL / POP) set per topic and group with SET_MESSAGE_REQUEST_MODE, persisted as
 * `config/messageRequestMode.json` (Java `MessageRequestModeManager`):
 * `{"messageRequestModeMap":{"<topic>":{"<group>":{"consumerGroup":…,"mode":"POP","popShareQueueNum":8,"topic":…}}}}`.
 */
export class MessageRequestModeManager {
  readonly file: string;
  private readonly table = new Map<string, Map<string, SetMessageRequestModeRequestBody>>();

  constructor(storePathRootDir: string) {
    this.file = path.join(storePathRootDir, 'config', 'messageRequestMode.json');
  }

  load(): void {
    const loaded = readConfigFile(this.file, decodeModeFile);
    if (!loaded) return;
    for (const body of loaded) this.set(body);
  }

  set(body: SetMessageRequestModeRequestBody): void {
    let groups = this.table.get(body.topic);
    if (!groups) {
      groups = new Map();
      this.table.set(body.topic, groups);
    }
    groups.set(body.consumerGroup, body);
  }

  get(topic: string, group: string): SetMessageRequestModeRequestBody | undefined {
    return this.table.get(topic)?.get(group);
  }

  encode(): string {
    const map: Record<string, Record<string, SetMessageRequestModeRequestBody>> = {};
    for (const [topic, groups] of this.table) {
      const inner: Record<string, SetMessageRequestModeRequestBody> = {};
      for (const [group, b] of groups) {
        inner[group] = {
          consumerGroup: b.consumerGroup,
          mode: b.mode,
          popShareQueueNum: b.popShareQueueNum,
          topic: b.topic,
        };
      }
      map[topic] = inner;
    }
    return JSON.stringify({ messageRequestModeMap: map }, null, 2);
  }

  persist(): void {
    writeFileAtomicSync(this.file, this.encode());
  }
}

function decodeModeFile(text: string): SetMessageRequestModeRequestBody[] {
  const parsed = JSON.parse(text) as unknown;
  if (typeof parsed !== 'object' || parsed === null) throw new Error('not a JSON object');
  const map = (parsed as { messageRequestModeMap?: unknown }).messageRequestModeMap;
  if (map === undefined || map === null) return [];
  if (typeof map !== 'object') throw new Error('messageRequestModeMap is not an object');
  const out: SetMessageRequestModeRequestBody[] = [];
  for (const groups of Object.values(map as Record<string, unknown>)) {
    if (typeof groups !== 'object' || groups === null) throw new Error('a topic entry is not an object');
    for (const body of Object.values(groups as Record<string, unknown>)) {
      out.push(decodeSetMessageRequestModeRequestBody(JSON.stringify(body)));
    }
  }
  return out;
}
