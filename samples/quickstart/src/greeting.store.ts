import { Injectable } from '@nestjs/common';
import type { GreetingDto } from './greeting.dto';

/** What the listener consumed, in arrival order (the sample's "database"). */
@Injectable()
export class GreetingStore {
  readonly received: GreetingDto[] = [];
}
