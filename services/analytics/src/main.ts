import 'reflect-metadata';
import { AppError } from '@stadtdaten/contracts';
import { runService } from '@stadtdaten/runtime';
import { AppModule } from './app.module';
import { analyticsConfigSchema } from './config';

void runService(analyticsConfigSchema, (config) => {
  try {
    return AppModule.register(config);
  } catch (error) {
    // An invalid analytics file stops the start with its problems listed, like an invalid setting.
    if (error instanceof AppError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
});
