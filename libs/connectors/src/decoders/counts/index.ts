import type { SourceDecoder } from '../source-decoder.interface';
import { BikeCountsDecoder } from './bike-counts.decoder';
import { PoolWaterTemperatureDecoder } from './pool-water-temperature.decoder';
import { SwmPoolOccupancyDecoder } from './swm-pool-occupancy.decoder';
import { TrafficComputerDecoder } from './traffic-computer.decoder';

export { BikeCountsDecoder, PoolWaterTemperatureDecoder, SwmPoolOccupancyDecoder, TrafficComputerDecoder };

/** Decoders of counts and city measurements: traffic detectors, bicycles, pool visitors, water temperature. */
export const COUNTS_DECODERS: readonly SourceDecoder[] = [
  new TrafficComputerDecoder(),
  new BikeCountsDecoder(),
  new SwmPoolOccupancyDecoder(),
  new PoolWaterTemperatureDecoder(),
];
