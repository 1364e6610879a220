import Randomness
import Testing

@Suite struct ReseedScheduleTests {
    let second: UInt64 = 1_000_000_000

    @Test func intervalGrowsWithUptimeBetweenOneSecondAndOneMinute() {
        #expect(ReseedSchedule.interval(at: 0) == second)
        #expect(ReseedSchedule.interval(at: 500_000_000) == second)
        #expect(ReseedSchedule.interval(at: 10 * second) == 5 * second)
        #expect(ReseedSchedule.interval(at: 119 * second) == 59 * second + 500_000_000)
        #expect(ReseedSchedule.interval(at: 3600 * second) == 60 * second)
    }

    @Test func dueOnlyAfterTheInterval() {
        var schedule = ReseedSchedule(seededAt: 200_000_000)
        #expect(!schedule.isDue(at: 200_000_000))
        #expect(!schedule.isDue(at: 1_199_999_999))
        #expect(schedule.isDue(at: 1_200_000_000))
        schedule.reseeded(at: 20 * second)
        #expect(!schedule.isDue(at: 29 * second))
        #expect(schedule.isDue(at: 30 * second))
        schedule.reseeded(at: 7200 * second)
        #expect(!schedule.isDue(at: 7259 * second))
        #expect(schedule.isDue(at: 7260 * second))
    }

    @Test func aClockBeforeTheLastSeedingIsNotDue() {
        let schedule = ReseedSchedule(seededAt: 50 * second)
        #expect(!schedule.isDue(at: 10 * second))
    }
}
