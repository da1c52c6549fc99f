using System.Diagnostics;

namespace CredalDistill.Experiments.Data;

/// <summary>What every <see cref="ITaskInputs"/> measures the same way, whatever its inputs are: class counts and latency.</summary>
internal static class TaskInputMeasures
{
    /// <summary>Number of inputs of each label.</summary>
    /// <param name="labels">Labels in <c>0..K-1</c>.</param>
    /// <param name="classes">K.</param>
    /// <returns>K counts.</returns>
    public static int[] ClassCounts(int[] labels, int classes)
    {
        int[] counts = new int[classes];
        foreach (int y in labels)
        {
            counts[y]++;
        }

        return counts;
    }

    /// <summary>
    /// Median time of <paramref name="once"/> over inputs <c>0 .. min(200, count) - 1</c> after warm-up runs on inputs
    /// <c>0 .. min(20, count) - 1</c>, in microseconds (<see cref="ITaskInputs.Latency"/>).
    /// </summary>
    /// <param name="count">Number of inputs, at least 1.</param>
    /// <param name="once">Runs the model on input <c>i</c>, with whatever the device does before it.</param>
    /// <returns>Microseconds per input.</returns>
    public static double MedianLatency(int count, Action<int> once)
    {
        int runs = Math.Min(200, count);
        for (int i = 0; i < Math.Min(20, count); i++)
        {
            once(i);
        }

        var times = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            long start = Stopwatch.GetTimestamp();
            once(i);
            times[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }

        Array.Sort(times);
        return times[runs / 2];
    }
}
