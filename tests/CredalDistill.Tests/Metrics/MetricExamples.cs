namespace CredalDistill.Tests.Metrics;

/// <summary>Small hand-worked examples shared by the metric tests.</summary>
internal static class MetricExamples
{
    // K = 3, five samples. Top-1 (arg-max, first on ties), confidence, correctness, equal-width bin ceil(15 c) - 1:
    //   r0 (0.7, 0.2, 0.1) y=0: top 0, c 0.7, correct, bin 10
    //   r1 (0.6, 0.3, 0.1) y=2: top 0, c 0.6, wrong,   bin 8
    //   r2 (0.2, 0.5, 0.3) y=1: top 1, c 0.5, correct, bin 7
    //   r3 (0.1, 0.1, 0.8) y=2: top 2, c 0.8, correct, bin 11
    //   r4 (0.4, 0.4, 0.2) y=1: tie -> top 0, c 0.4, wrong, bin 5
    public static readonly double[] ThreeClass =
    [
        0.7, 0.2, 0.1,
        0.6, 0.3, 0.1,
        0.2, 0.5, 0.3,
        0.1, 0.1, 0.8,
        0.4, 0.4, 0.2,
    ];

    public static readonly int[] ThreeClassLabels = [0, 2, 1, 2, 1];

    // K = 2, six samples; bins shared two by two:
    //   s0 (0.95, 0.05) y=0: c 0.95 correct, bin 14
    //   s1 (0.05, 0.95) y=0: c 0.95 wrong,   bin 14
    //   s2 (0.92, 0.08) y=0: c 0.92 correct, bin 13
    //   s3 (0.10, 0.90) y=1: c 0.90 correct, bin 13
    //   s4 (0.55, 0.45) y=1: c 0.55 wrong,   bin 8
    //   s5 (0.42, 0.58) y=1: c 0.58 correct, bin 8
    public static readonly double[] TwoClass =
    [
        0.95, 0.05,
        0.05, 0.95,
        0.92, 0.08,
        0.10, 0.90,
        0.55, 0.45,
        0.42, 0.58,
    ];

    public static readonly int[] TwoClassLabels = [0, 0, 0, 1, 1, 1];

    public static ProbabilityMatrix ThreeClassMatrix => ProbabilityMatrix.FromProbabilities(ThreeClass, 3);

    public static ProbabilityMatrix TwoClassMatrix => ProbabilityMatrix.FromProbabilities(TwoClass, 2);
}
