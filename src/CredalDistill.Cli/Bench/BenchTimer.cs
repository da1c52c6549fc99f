using System.Diagnostics;

namespace CredalDistill.Cli.Bench;

/// <summary>
/// A Stopwatch harness for <c>credal bench</c> (BenchmarkDotNet cannot run in-process): warm-up calls, then repetitions of
/// a batch of calls sized to <see cref="BenchBudget.RepetitionMs"/>; the time per call is the median over repetitions, the
/// allocation per call is <see cref="GC.GetAllocatedBytesForCurrentThread"/> over one repetition divided by its calls.
/// </summary>
internal static class BenchTimer
{
    /// <summary>Runs <paramref name="body"/> until <paramref name="calls"/> calls or <paramref name="milliseconds"/> have passed (at least once).</summary>
    public static double WarmUp(Action body, int calls, double milliseconds)
    {
        var watch = Stopwatch.StartNew();
        int done = 0;
        do
        {
            body();
            done++;
        }
        while (done < calls && watch.Elapsed.TotalMilliseconds < milliseconds);

        return watch.Elapsed.TotalMilliseconds / done;
    }

    /// <summary>Measures <paramref name="body"/>: median milliseconds per call and bytes allocated per call.</summary>
    public static BenchTiming Measure(Action body, BenchBudget budget)
    {
        double estimate = WarmUp(body, 3, budget.RepetitionMs);
        int calls = Math.Max(1, (int)(budget.RepetitionMs / Math.Max(estimate, 1e-6)));
        int repetitions = Math.Max(1, Math.Min(budget.Repetitions, (int)(budget.CaseMs / Math.Max(calls * estimate, 1e-6))));
        var times = new double[repetitions];
        long allocated = 0;
        for (int r = 0; r < repetitions; r++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < calls; i++)
            {
                body();
            }

            long stop = Stopwatch.GetTimestamp();
            long bytes = GC.GetAllocatedBytesForCurrentThread() - before;
            allocated = r == 0 ? bytes : Math.Min(allocated, bytes);
            times[r] = Stopwatch.GetElapsedTime(start, stop).TotalMilliseconds / calls;
        }

        Array.Sort(times);
        double median = repetitions % 2 == 1 ? times[repetitions / 2] : 0.5 * (times[(repetitions / 2) - 1] + times[repetitions / 2]);
        return new BenchTiming(median, times[0], (double)allocated / calls, calls, repetitions);
    }
}

/// <summary>
/// Two operations timed side by side: their repetitions alternate (A, B, A, B, ...), so a change of load on a shared machine
/// hits both; the ratio is the median of the per-repetition ratios <c>A / B</c>.
/// </summary>
internal static class BenchPair
{
    /// <summary>
    /// Times <paramref name="a"/> and <paramref name="b"/> alternately: the median of <c>time(a) / time(b)</c> per call over the
    /// repetitions, and the median milliseconds per call of each during the pairing.
    /// </summary>
    public static BenchRatio MedianRatio(Action a, Action b, BenchBudget budget)
    {
        int callsA = Calls(a, budget);
        int callsB = Calls(b, budget);
        int repetitions = Math.Max(5, budget.Repetitions);
        var ratios = new double[repetitions];
        var timesA = new double[repetitions];
        var timesB = new double[repetitions];
        for (int r = 0; r < repetitions; r++)
        {
            timesA[r] = Time(a, callsA);
            timesB[r] = Time(b, callsB);
            ratios[r] = timesA[r] / timesB[r];
        }

        return new BenchRatio(Median(ratios), Median(timesA), Median(timesB));
    }

    private static double Median(double[] values)
    {
        Array.Sort(values);
        int n = values.Length;
        return n % 2 == 1 ? values[n / 2] : 0.5 * (values[(n / 2) - 1] + values[n / 2]);
    }

    private static int Calls(Action body, BenchBudget budget)
        => Math.Max(1, (int)(budget.RepetitionMs / Math.Max(BenchTimer.WarmUp(body, 3, budget.RepetitionMs), 1e-6)));

    private static double Time(Action body, int calls)
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < calls; i++)
        {
            body();
        }

        return Stopwatch.GetElapsedTime(start).TotalMilliseconds / calls;
    }
}

/// <summary>A side-by-side ratio: the median of per-repetition ratios and the median milliseconds per call of each side.</summary>
internal readonly record struct BenchRatio(double Ratio, double MsA, double MsB);

/// <summary>How long to measure: one repetition lasts about <see cref="RepetitionMs"/>, a case at most about <see cref="CaseMs"/>.</summary>
internal readonly record struct BenchBudget(double RepetitionMs, int Repetitions, double CaseMs);

/// <summary>One measurement: median and minimum milliseconds per call, bytes allocated per call, calls per repetition, repetitions.</summary>
internal readonly record struct BenchTiming(double MedianMs, double MinMs, double AllocatedBytes, int Calls, int Repetitions);
