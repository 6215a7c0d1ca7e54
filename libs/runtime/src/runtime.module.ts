import {
  type DynamicModule,
  Global,
  Inject,
  Injectable,
  Module,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { BuiltinIssuer, TokenVerifier } from '@stadtdaten/auth';
import { Clock } from '@stadtdaten/contracts';
import { RejectionStore } from '@stadtdaten/dead-letter';
import { EventLog } from '@stadtdaten/event-log';
import type { AdapterConfig } from '@stadtdaten/config';
import {
  type AdapterContext,
  createEventLog,
  createRejectionStore,
  createTimeSeriesStore,
  createTokenVerifier,
  openConfiguredRegistry,
} from './adapter-factories';
import { Health, type Logger, Metrics, ProcessLogger, createLogger } from '@stadtdaten/observability';
import { EnvelopeCipher, Pseudonymizer, TenantKeys } from '@stadtdaten/keys';
import { RegistryService } from '@stadtdaten/registry';
import { createAuditLog, createSignatureStore, openTenantKeys } from './security-factories';
import { AuditLog } from '@stadtdaten/audit';
import { AuditTrail } from './audit-trail';
import { checkStorageProfiles } from './residency-check';
import { RateLimitOptions } from './rate-limit.middleware';
import { BatchSigner, SignatureStore, SigningKeyStore, TenantKeysSigningKeyStore } from '@stadtdaten/integrity';
import { TimeSeriesStore } from '@stadtdaten/timeseries';
import { warnPlaintextConnections } from './plaintext-warnings';

/** Settings the runtime needs to create the ports of a process. */
export class RuntimeOptions {
  service!: string;
  version!: string;
  env!: string;
  logLevel!: string;
  /** Folder of the embedded adapters' files. */
  dataDir!: string;
  /** A root logger to share, as the all-in-one runner does; created from the settings otherwise. */
  logger?: Logger;
  /**
   * Interval in milliseconds at which the embedded event log looks for records that another
   * thread or process appended. Appends in the same thread wake consumers at once.
   */
  eventLogPollIntervalMs?: number;
  /** Whether to collect Node.js process metrics; off in a worker thread, whose process the main thread already reports. */
  processMetrics?: boolean;
  /** Adapter choice per port; the embedded adapter serves a port whose setting is absent. */
  adapters?: Partial<AdapterConfig>;
  /** Key-encryption key file (STADTDATEN_KEK_FILE); embedded mode creates one under the data folder when unset. */
  kekFile?: string;
  /** Storage profiles this deployment provides (STADTDATEN_AVAILABLE_STORAGE_PROFILES); undefined allows all. */
  availableStorageProfiles?: string[];
  /** Per-client request limit of the HTTP edge; the defaults of rateLimitSettings when unset. */
  rateLimit?: RateLimitOptions;
}

/** The time-series store that keeps observations of datastreams classified personal, apart from the others. */
export abstract class PersonalTimeSeriesStore extends TimeSeriesStore {}

/** Closes every port when the application shuts down, after the consumers stopped. */
@Injectable()
class PortsLifecycle implements OnApplicationShutdown {
  constructor(
    private readonly eventLog: EventLog,
    private readonly store: TimeSeriesStore,
    @Inject(PersonalTimeSeriesStore) private readonly personalStore: TimeSeriesStore,
    private readonly rejections: RejectionStore,
    private readonly registry: RegistryService,
    private readonly keys: TenantKeys,
    private readonly signatures: SignatureStore,
    private readonly auditLog: AuditLog,
    private readonly logger: ProcessLogger,
    health: Health,
  ) {
    health.register('event-log', () => eventLog.isHealthy());
    health.register('time-series', () => store.isHealthy());
    health.register('registry', () => registry.isHealthy());
  }

  async onApplicationShutdown(): Promise<void> {
    await this.eventLog.close();
    await Promise.all([
      this.store.close(),
      this.personalStore.close(),
      this.rejections.close(),
      this.registry.close(),
      this.keys.close(),
      this.signatures.close(),
      this.auditLog.close(),
    ]);
    this.logger.root.info('ports closed');
    this.logger.root.flush();
  }
}

/**
 * Provides every port of a process on the embedded adapters: the event log, the stores,
 * the registry, token checking, logging, metrics and health.
 */
@Global()
@Module({})
export class RuntimeModule {
  static forRoot(options: RuntimeOptions): DynamicModule {
    const logger =
      options.logger ??
      createLogger({
        service: options.service,
        version: options.version,
        env: options.env,
        level: options.logLevel,
      });
    const context: AdapterContext = {
      service: options.service,
      dataDir: options.dataDir,
      logger,
      adapters: options.adapters ?? {},
      eventLogPollIntervalMs: options.eventLogPollIntervalMs,
    };
    warnPlaintextConnections(logger, context.adapters);

    return {
      module: RuntimeModule,
      providers: [
        { provide: RuntimeOptions, useValue: options },
        { provide: RateLimitOptions, useValue: options.rateLimit ?? RateLimitOptions.defaults() },
        { provide: ProcessLogger, useValue: new ProcessLogger(logger) },
        { provide: Metrics, useValue: new Metrics({ defaultMetrics: options.processMetrics ?? true }) },
        Health,
        Clock,
        { provide: EventLog, useFactory: () => connected(createEventLog(context)) },
        { provide: TimeSeriesStore, useFactory: () => connected(createTimeSeriesStore(context, false)) },
        {
          provide: PersonalTimeSeriesStore,
          useFactory: () => connected(createTimeSeriesStore(context, true)),
        },
        { provide: RejectionStore, useFactory: () => connected(createRejectionStore(context)) },
        {
          provide: TenantKeys,
          useFactory: (clock: Clock) => openTenantKeys({ ...context, kekFile: options.kekFile }, clock),
          inject: [Clock],
        },
        { provide: Pseudonymizer, useFactory: (keys: TenantKeys) => new Pseudonymizer(keys), inject: [TenantKeys] },
        { provide: EnvelopeCipher, useFactory: (keys: TenantKeys) => new EnvelopeCipher(keys), inject: [TenantKeys] },
        {
          provide: SigningKeyStore,
          useFactory: (keys: TenantKeys) => new TenantKeysSigningKeyStore(keys),
          inject: [TenantKeys],
        },
        {
          provide: BatchSigner,
          useFactory: (keys: SigningKeyStore, clock: Clock) => new BatchSigner(keys, clock),
          inject: [SigningKeyStore, Clock],
        },
        { provide: SignatureStore, useFactory: () => connected(createSignatureStore(context)) },
        { provide: AuditLog, useFactory: (clock: Clock) => connected(createAuditLog(context, clock)), inject: [Clock] },
        AuditTrail,
        {
          provide: RegistryService,
          useFactory: async (pseudonymizer: Pseudonymizer) => {
            const registry = await openConfiguredRegistry(context, (tenant, id) => pseudonymizer.pseudonym(tenant, id));
            if (options.availableStorageProfiles !== undefined) {
              await checkStorageProfiles(registry, options.availableStorageProfiles).catch(async (error: unknown) => {
                await registry.close();
                throw error;
              });
            }

            return registry;
          },
          inject: [Pseudonymizer],
        },
        { provide: BuiltinIssuer, useFactory: () => BuiltinIssuer.open(options.dataDir) },
        {
          provide: TokenVerifier,
          useFactory: (issuer: BuiltinIssuer) => createTokenVerifier(context, issuer),
          inject: [BuiltinIssuer],
        },
        PortsLifecycle,
      ],
      exports: [
        RuntimeOptions,
        RateLimitOptions,
        ProcessLogger,
        Metrics,
        Health,
        Clock,
        EventLog,
        TimeSeriesStore,
        PersonalTimeSeriesStore,
        RejectionStore,
        RegistryService,
        TenantKeys,
        Pseudonymizer,
        EnvelopeCipher,
        SigningKeyStore,
        BatchSigner,
        SignatureStore,
        AuditLog,
        AuditTrail,
        BuiltinIssuer,
        TokenVerifier,
      ],
    };
  }
}

async function connected<T extends { connect(): Promise<void> }>(adapter: T): Promise<T> {
  await adapter.connect();

  return adapter;
}
