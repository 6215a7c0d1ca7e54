import { SLOT_MS, SlotCalendar } from './slot-calendar';

const day = (iso: string) => Math.floor(Date.parse(`${iso}T00:00:00Z`) / 86_400_000);

describe(SlotCalendar.name, () => {
  it('follows local time across the spring change', () => {
    // 2021-03-28: clocks go from 02:00 to 03:00 in Europe/Berlin.
    const sut = new SlotCalendar(Date.parse('2021-03-27T23:00:00Z'), 200, 'Europe/Berlin', 'none');
    const before = (Date.parse('2021-03-28T00:45:00Z') - sut.startMs) / SLOT_MS;
    const after = (Date.parse('2021-03-28T01:00:00Z') - sut.startMs) / SLOT_MS;

    expect(sut.slotOf(before)).toBe(7);
    expect(sut.slotOf(after)).toBe(12);
    expect(sut.dayOf(0)).toBe(day('2021-03-28'));
  });

  it('finds a slot by local day and time', () => {
    const sut = new SlotCalendar(Date.parse('2021-02-01T00:00:00Z'), 96 * 3, 'Europe/Berlin', 'none');

    expect(sut.indexAt(day('2021-02-02'), 0)).toBe(92);
    expect(sut.indexAt(day('2021-02-10'), 0)).toBe(-1);
  });

  it('counts a holiday as a Sunday', () => {
    const sut = new SlotCalendar(Date.parse('2021-03-20T00:00:00Z'), 96 * 25, 'Europe/Berlin', 'hesse');

    expect(sut.classOf(day('2021-04-05'))).toBe(7);
    expect(sut.classOf(day('2021-04-12'))).toBe(1);
    expect(sut.sameClassDays(day('2021-04-12'), 2, 21)).toEqual([day('2021-03-29'), day('2021-03-22')]);
    expect(sut.sameClassDays(day('2021-04-05'), 2, 21)).toEqual([day('2021-04-04'), day('2021-04-02')]);
  });

  it('keeps weekdays without holidays', () => {
    const sut = new SlotCalendar(Date.parse('2021-03-20T00:00:00Z'), 96 * 25, 'Europe/Berlin', 'none');

    expect(sut.classOf(day('2021-04-05'))).toBe(1);
  });
});
