import {
  Inject,
  Injectable,
  type Type,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper';
import { ROCKETMQ_MESSAGE_CONVERTER } from './rocketmq.constants';
import { RocketMQConfig } from './rocketmq-config';
import {
  InvalidRocketMQListenerClassError,
  InvalidRocketMQTransactionListenerClassError,
  RocketMQConfigurationError,
} from './rocketmq.errors';
import { DefaultRocketMQListenerContainer } from './rocketmq-listener.container';
import { resolveListenerOptions } from './rocketmq-listener-options.resolver';
import type { RocketMQMessageConverter } from './rocketmq-message-converter';
import { RocketMQMetadataAccessor } from './rocketmq-metadata.accessor';
import { isListenerEnabled } from './rocketmq.properties';
import { RocketMQTemplate } from './rocketmq.template';
import type { RocketMQLocalTransactionListener } from './interfaces/rocketmq-transaction-listener.interface';

/**
 * Finds `@RocketMQMessageListener` and `@RocketMQTransactionListener` providers and every `RocketMQTemplate` at module
 * init (DiscoveryService), builds one listener container per listener, binds transaction listeners to their
 * templates, starts templates then containers at application bootstrap, and on shutdown drains containers before
 * stopping templates (so handlers that send still can).
 */
@Injectable()
export class RocketMQListenerExplorer implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('RocketMQListenerExplorer');
  private readonly containers = new Map<string, DefaultRocketMQListenerContainer>();
  private readonly templates = new Map<string, RocketMQTemplate>();
  private explored = false;
  private shutdownPromise: Promise<void> | undefined;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly accessor: RocketMQMetadataAccessor,
    private readonly config: RocketMQConfig,
    @Inject(ROCKETMQ_MESSAGE_CONVERTER) private readonly converter: RocketMQMessageConverter,
  ) {}

  onModuleInit(): void {
    this.explore();
  }

  /** Discovers templates and listeners; idempotent. */
  explore(): void {
    if (this.explored) return;
    this.explored = true;
    const providers = this.discovery.getProviders();
    for (const wrapper of providers) {
      if (wrapper.instance instanceof RocketMQTemplate) {
        const t = wrapper.instance;
        if (!this.templates.has(t.name)) this.templates.set(t.name, t);
      }
    }
    for (const wrapper of providers) {
      const metatype = (wrapper.metatype ?? undefined) as Type | undefined;
      if (!metatype || wrapper.inject) continue; // factory providers carry no class decorators
      if (this.accessor.isMessageListener(metatype)) this.addListener(wrapper, metatype);
      if (this.accessor.isTransactionListener(metatype)) this.addTransactionListener(wrapper, metatype);
    }
  }

  private addListener(wrapper: InstanceWrapper, metatype: Type): void {
    const className = metatype.name;
    if (!wrapper.isDependencyTreeStatic() || wrapper.isTransient) {
      this.logger.warn(
        `${className} is request-scoped or transient; @RocketMQMessageListener needs a singleton provider, skipped`,
      );
      return;
    }
    const instance = wrapper.instance as { onMessage?: unknown } | undefined;
    if (!instance || typeof instance.onMessage !== 'function') throw new InvalidRocketMQListenerClassError(className);
    const raw = this.accessor.getMessageListenerMetadata(metatype)!;
    const options = resolveListenerOptions(raw, this.config.source, className);
    if (!isListenerEnabled(this.config.source, options.consumerGroup, options.topic)) {
      this.logger.log(
        `${className} disabled by rocketmq.consumer.listeners.${options.consumerGroup}.${options.topic}=false`,
      );
      return;
    }
    const name = `${className}:${options.consumerGroup}:${options.topic}`;
    for (const other of this.containers.values()) {
      if (other.options.consumerGroup === options.consumerGroup && other.options.nameServer === options.nameServer) {
        throw new RocketMQConfigurationError(
          `${className} and ${other.name.split(':')[0]} share consumerGroup "${options.consumerGroup}"; one listener per group`,
        );
      }
    }
    const container = new DefaultRocketMQListenerContainer(
      name,
      instance as { onMessage(m: unknown): unknown },
      options,
      { converter: this.converter, clientOptions: this.config.clientOptions },
    );
    this.containers.set(name, container);
  }

  private addTransactionListener(wrapper: InstanceWrapper, metatype: Type): void {
    const className = metatype.name;
    const instance = wrapper.instance as Partial<RocketMQLocalTransactionListener> | undefined;
    if (
      !instance ||
      typeof instance.executeLocalTransaction !== 'function' ||
      typeof instance.checkLocalTransaction !== 'function'
    ) {
      throw new InvalidRocketMQTransactionListenerClassError(className);
    }
    const { rocketMQTemplateBeanName } = this.accessor.getTransactionListenerMetadata(metatype)!;
    const template = this.templates.get(rocketMQTemplateBeanName);
    if (!template) {
      throw new RocketMQConfigurationError(
        `${className}: no RocketMQTemplate named "${rocketMQTemplateBeanName}"; register it with RocketMQModule.forTemplate`,
      );
    }
    template.setTransactionListener(instance as RocketMQLocalTransactionListener, className);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.explore();
    try {
      await Promise.all([...this.templates.values()].map((t) => t.start()));
      await Promise.all([...this.containers.values()].map((c) => c.start()));
    } catch (err) {
      // Nest runs no shutdown hooks after a failed init: close what did start, or its sockets keep the process alive.
      await this.shutdown().catch(() => undefined);
      throw err;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.shutdown();
  }

  /** Drains every container, then shuts every template down; idempotent (the testing module calls it too). */
  shutdown(): Promise<void> {
    this.shutdownPromise ??= (async () => {
      const results = await Promise.allSettled([...this.containers.values()].map((c) => c.stop()));
      await Promise.allSettled([...this.templates.values()].map((t) => t.shutdown()));
      for (const r of results) {
        if (r.status === 'rejected') this.logger.error(`A listener container failed to stop: ${String(r.reason)}`);
      }
    })();
    return this.shutdownPromise;
  }

  /** Every listener container, by name (`Class:group:topic`). */
  getContainers(): DefaultRocketMQListenerContainer[] {
    return [...this.containers.values()];
  }

  getContainer(consumerGroup: string): DefaultRocketMQListenerContainer | undefined {
    return [...this.containers.values()].find((c) => c.options.consumerGroup === consumerGroup);
  }

  getTemplates(): RocketMQTemplate[] {
    return [...this.templates.values()];
  }
}
