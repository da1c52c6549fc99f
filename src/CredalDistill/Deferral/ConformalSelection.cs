using CredalDistill.Validation;

namespace CredalDistill.Deferral;

/// <summary>
/// Which inputs may stay on the edge, chosen by conformal selection with Benjamini-Hochberg, in the spirit of the
/// conformal-alignment cascade (Huang et al. 2025, arXiv 2510.17543; Jin and Candes 2023). An input is
/// <i>aligned</i> when the edge's predicted class equals the cloud's; on the unlabeled calibration set alignment
/// <c>A_j</c> is known. With a confidence score <c>V</c> (larger = more likely aligned), test input <c>i</c> gets the
/// conformal p-value <c>p_i = (1 + #{ j : A_j = 0, V_j &gt;= V_i }) / (n + 1)</c>; BH at level <c>alpha</c> keeps on the
/// edge the inputs with <c>p_i &lt;= alpha R / m</c>, <c>R</c> the largest <c>r</c> with <c>p_(r) &lt;= alpha r / m</c>.
/// Among the kept inputs the expected fraction that disagree with the cloud is then at most <c>alpha</c>
/// (exchangeable calibration and test inputs); the others are deferred.
/// </summary>
public sealed class ConformalSelection
{
    private readonly double[] _misalignedScores; // sorted ascending
    private readonly int _n;

    /// <summary>Prepares the selection from calibration scores and alignment.</summary>
    /// <param name="scores">Confidence scores <c>V_j</c> of the calibration inputs (finite).</param>
    /// <param name="aligned">Whether the edge's prediction equals the cloud's on each calibration input.</param>
    public ConformalSelection(ReadOnlySpan<double> scores, ReadOnlySpan<bool> aligned)
    {
        Check.NotEmpty(scores.Length, nameof(scores), "calibration scores");
        Check.SameLength(scores.Length, aligned.Length, nameof(aligned));
        Check.Finite(scores, nameof(scores));
        var misaligned = new List<double>();
        for (int j = 0; j < scores.Length; j++)
        {
            if (!aligned[j])
            {
                misaligned.Add(scores[j]);
            }
        }

        _misalignedScores = [.. misaligned];
        Array.Sort(_misalignedScores);
        _n = scores.Length;
    }

    /// <summary>Calibration size <c>n</c>.</summary>
    public int Count => _n;

    /// <summary>Number of calibration inputs where edge and cloud disagree.</summary>
    public int MisalignedCount => _misalignedScores.Length;

    /// <summary>The conformal p-value of a test score: <c>(1 + #{ j : A_j = 0, V_j &gt;= v }) / (n + 1)</c>.</summary>
    public double PValue(double score)
    {
        if (!double.IsFinite(score))
        {
            throw new ArgumentOutOfRangeException(nameof(score), score, "the confidence score must be finite.");
        }

        // Number of misaligned calibration scores >= score.
        int lo = 0, hi = _misalignedScores.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_misalignedScores[mid] >= score)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }

        return (1.0 + (_misalignedScores.Length - lo)) / (_n + 1.0);
    }

    /// <summary>Benjamini-Hochberg at level <paramref name="alpha"/>: true = keep on the edge, false = defer to the cloud.</summary>
    /// <param name="testScores">Confidence scores of the test inputs.</param>
    /// <param name="alpha">Target false-discovery rate (fraction of kept inputs that disagree with the cloud), in (0, 1).</param>
    public bool[] Select(ReadOnlySpan<double> testScores, double alpha)
    {
        Check.Epsilon(alpha, nameof(alpha));
        int m = testScores.Length;
        var p = new double[m];
        for (int i = 0; i < m; i++)
        {
            p[i] = PValue(testScores[i]);
        }

        var sorted = (double[])p.Clone();
        Array.Sort(sorted);
        double cutoff = -1.0;
        for (int r = m; r >= 1; r--)
        {
            if (sorted[r - 1] <= alpha * r / m)
            {
                cutoff = alpha * r / m;
                break;
            }
        }

        var keep = new bool[m];
        for (int i = 0; i < m; i++)
        {
            keep[i] = p[i] <= cutoff;
        }

        return keep;
    }
}
