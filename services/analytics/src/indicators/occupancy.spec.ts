import { cityOccupancy } from './occupancy';

describe('cityOccupancy', () => {
  it('pools free spaces and capacities', () => {
    expect(cityOccupancy([{ free: 100, capacity: 400 }, { free: 50, capacity: 100 }])).toEqual({ rate: 70, free: 150, capacity: 500 });
  });

  it('caps free counts at the capacity', () => {
    expect(cityOccupancy([{ free: 120, capacity: 100 }])!.rate).toBe(0);
  });

  it('skips facilities without capacity', () => {
    expect(cityOccupancy([{ free: 10, capacity: 0 }])).toBeUndefined();
  });
});
