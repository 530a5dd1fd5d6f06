import { Inject } from '@nestjs/common';
import { getRocketMQTemplateToken } from '../rocketmq.constants';

/** Injects a named template: `@InjectRocketMQTemplate('orders') template: RocketMQTemplate`. No name: the default. */
export function InjectRocketMQTemplate(name?: string): PropertyDecorator & ParameterDecorator {
  return Inject(getRocketMQTemplateToken(name));
}
