using CredalDistill.Divergences;
using CsCheck;

namespace CredalDistill.Tests.Support;

/// <summary>Random distributions, radii and divergences for property tests.</summary>
internal static class Generators
{
    /// <summary>Every supported divergence, including alpha on both sides of 1 and below 0.</summary>
    public static readonly FDivergence[] AllDivergences =
    [
        KullbackLeibler.Instance,
        ReverseKullbackLeibler.Instance,
        new AlphaDivergence(0.9),
        new AlphaDivergence(1.2),
        new AlphaDivergence(2.0),
        new AlphaDivergence(-0.5),
        TotalVariation.Instance,
        SquaredHellinger.Instance,
        PearsonChiSquare.Instance,
    ];

    public static TheoryData<string> DivergenceNames()
    {
        var data = new TheoryData<string>();
        foreach (var d in AllDivergences)
        {
            data.Add(d.Name);
        }

        return data;
    }

    public static FDivergence ByName(string name) => Divergence.Parse(name);

    /// <summary>
    /// A distribution over K classes: softmax of scaled Gaussian logits (from flat to very peaked), with an
    /// occasional exact zero, renormalised.
    /// </summary>
    public static Gen<double[]> Distribution(int minK = 2, int maxK = 50) =>
        from k in Gen.Int[minK, maxK]
        from scale in Gen.Double[0.0, 8.0]
        from z in Gen.Double[-1.0, 1.0].Array[k]
        from zeroMask in Gen.Int[0, 9].Array[k]
        select Make(z, scale, zeroMask);

    /// <summary>Radii: exactly 0, tiny, moderate, large.</summary>
    public static Gen<double> Gamma =>
        Gen.OneOf(
            Gen.Const(0.0),
            Gen.Double[1e-10, 1e-4],
            Gen.Double[1e-4, 1.0],
            Gen.Double[1.0, 25.0]);

    public static Gen<FDivergence> AnyDivergence => Gen.Int[0, AllDivergences.Length - 1].Select(i => AllDivergences[i]);

    private static double[] Make(double[] z, double scale, int[] zeroMask)
    {
        var p = new double[z.Length];
        double max = double.NegativeInfinity;
        foreach (double v in z)
        {
            max = Math.Max(max, v * scale);
        }

        double sum = 0.0;
        for (int i = 0; i < z.Length; i++)
        {
            p[i] = zeroMask[i] == 0 ? 0.0 : Math.Exp((z[i] * scale) - max);
            sum += p[i];
        }

        if (sum == 0.0)
        {
            p[0] = 1.0;
            sum = 1.0;
        }

        for (int i = 0; i < z.Length; i++)
        {
            p[i] /= sum;
        }

        return p;
    }
}
