using System.Globalization;
using CsCheck;
using DD = CredalDistill.Tests.Support.DoubleDouble;

namespace CredalDistill.Tests.Support;

/// <summary>An edge output for the extreme-row property tests: logits or probabilities (printed in round-trip form on failure).</summary>
internal sealed record ExtremeRow(bool IsLogits, double[] Values)
{
    /// <summary>The row as the library reads it.</summary>
    public EdgeRow Edge => IsLogits ? EdgeRow.FromLogits(Values) : EdgeRow.FromProbabilities(Values);

    public int Classes => Values.Length;

    /// <summary>
    /// Rows near and at the extremes: logits <c>offset - gap_j</c> with gaps drawn from [0, 1], [0, 40], [0, 800] or
    /// [0, 5000] (exactly 0 too), exact ties with the previous class, common offsets 0, +-1e4 or random; or the same as
    /// probabilities (softmax in double, so gaps above ~745 become exact zeros), with extra exact zeros and a row sum off
    /// by up to 5e-10 (accepted within tolerance, normalised by the library).
    /// </summary>
    public static Gen<ExtremeRow> Generate(int minK, int maxK) =>
        from k in Gen.Int[minK, maxK]
        from gaps in Gap.Array[k]
        from ties in Gen.Int[0, 4].Array[k]
        from offset in Gen.OneOf(Gen.Const(0.0), Gen.Const(1e4), Gen.Const(-1e4), Gen.Double[-50.0, 50.0])
        from probabilities in Gen.Bool
        from zeros in Gen.Int[0, 5].Array[k]
        from sumError in Gen.OneOf(Gen.Const(0.0), Gen.Double[-5e-10, 5e-10])
        select Make(gaps, ties, offset, probabilities, zeros, sumError);

    private static Gen<double> Gap =>
        Gen.OneOf(Gen.Const(0.0), Gen.Double[0.0, 1.0], Gen.Double[0.0, 40.0], Gen.Double[0.0, 800.0], Gen.Double[0.0, 5000.0]);

    /// <summary>Radii: exactly 0, log-uniform on [1e-12, 1e-6], [1e-6, 1] and [1, 50], and +inf.</summary>
    public static Gen<double> Gamma =>
        Gen.OneOf(
            Gen.Const(0.0),
            Gen.Double[-12.0, -6.0].Select(e => Math.Pow(10.0, e)),
            Gen.Double[-6.0, 0.0].Select(e => Math.Pow(10.0, e)),
            Gen.Double[0.0, Math.Log10(50.0)].Select(e => Math.Pow(10.0, e)),
            Gen.Const(double.PositiveInfinity));

    public static ExtremeRow Make(double[] gaps, int[] ties, double offset, bool probabilities, int[] zeros, double sumError)
    {
        int k = gaps.Length;
        var z = new double[k];
        for (int j = 0; j < k; j++)
        {
            z[j] = j > 0 && ties[j] == 0 ? z[j - 1] : offset - gaps[j];
        }

        if (!probabilities)
        {
            return new ExtremeRow(true, z);
        }

        double max = z.Max();
        var p = new double[k];
        double sum = 0.0;
        for (int j = 0; j < k; j++)
        {
            p[j] = zeros[j] == 0 ? 0.0 : Math.Exp(z[j] - max);
            sum += p[j];
        }

        if (sum == 0.0)
        {
            p[0] = 1.0;
            sum = 1.0;
        }

        for (int j = 0; j < k; j++)
        {
            p[j] = p[j] / sum * (1.0 + sumError);
        }

        return new ExtremeRow(false, p);
    }

    /// <summary><c>log p_k</c> of every class in double-double (the row divided by its sum, or the log-softmax), O(K).</summary>
    public DD[] ReferenceLogProbabilities()
    {
        var log = new DD[Classes];
        if (IsLogits)
        {
            var logSum = ReferenceBounds.LogSumExp(Values, -1);
            for (int j = 0; j < Classes; j++)
            {
                log[j] = (DD)Values[j] - logSum;
            }
        }
        else
        {
            DD sum = DD.Zero;
            foreach (double v in Values)
            {
                sum += v;
            }

            var logSum = DD.Log(sum);
            for (int j = 0; j < Classes; j++)
            {
                log[j] = DD.Log(Values[j]) - logSum;
            }
        }

        return log;
    }

    private DD[]? _exps;

    /// <summary>Reference lower and upper bound of class <paramref name="k"/>.</summary>
    public (ReferenceBound Lower, ReferenceBound Upper) Reference(ReferenceBounds reference, int k, double gamma)
    {
        if (!IsLogits)
        {
            return reference.FromProbabilities(Values, k, gamma);
        }

        if (Classes <= 1000)
        {
            return reference.FromLogits(Values, k, gamma);
        }

        // Wide rows: e_j = exp(z_j - max) once; for a class k with z_k < max (another class at the maximum), the rest mass
        // sum_{j != k} e_j has no cancellation and no underflow problem; the top class takes the direct log-sum-exp.
        double max = Values.Max();
        if (Values[k] == max)
        {
            return reference.FromLogits(Values, k, gamma);
        }

        _exps ??= Values.Select(v => DD.Exp((DD)v - max)).ToArray();
        DD sum = DD.Zero;
        DD rest = DD.Zero;
        for (int j = 0; j < Classes; j++)
        {
            sum += _exps[j];
            if (j != k)
            {
                rest += _exps[j];
            }
        }

        var logSum = DD.Log(sum);
        return reference.Bounds(((DD)Values[k] - max) - logSum, DD.Log(rest) - logSum, gamma);
    }

    public override string ToString()
    {
        const int Shown = 100;
        string values = string.Join(", ", Values.Take(Shown).Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
        return $"{(IsLogits ? "logits" : "probabilities")} K={Classes} [{values}{(Classes > Shown ? ", ..." : string.Empty)}]";
    }
}
