using CredalDistill.Numerics;

namespace CredalDistill.Experiments;

/// <summary>A seeded random partition of a task's inputs into calibration (unlabeled), labeled and test sets.</summary>
public sealed class SplitPlan
{
    private SplitPlan(int[] calibration, int[] labeled, int[] test)
    {
        Calibration = calibration;
        Labeled = labeled;
        Test = test;
    }

    /// <summary>Indices of the unlabeled calibration set (CD-CI, distilled TS).</summary>
    public int[] Calibration { get; }

    /// <summary>Indices of the labeled set (temperature scaling, Laplace).</summary>
    public int[] Labeled { get; }

    /// <summary>Indices of the test set (everything else).</summary>
    public int[] Test { get; }

    /// <summary>Fisher-Yates shuffle of <c>0..n-1</c> with <c>SplitMix64(seed, split)</c>, then consecutive blocks.</summary>
    public static SplitPlan Create(int n, int calibrationSize, int labeledSize, ulong seed, int split)
    {
        if (calibrationSize + labeledSize >= n)
        {
            throw new ArgumentException($"{calibrationSize} calibration + {labeledSize} labeled inputs leave no test set out of {n}.");
        }

        var order = new int[n];
        new SplitMix64(seed, (ulong)split).Permutation(order);

        return new SplitPlan(order[..calibrationSize], order[calibrationSize..(calibrationSize + labeledSize)], order[(calibrationSize + labeledSize)..]);
    }
}
