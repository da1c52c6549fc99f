using CredalDistill.Validation;

namespace CredalDistill.Metrics;

/// <summary>
/// Accuracy, NLL, Brier score and equal-width ECE over rows that arrive in chunks (a streamed file): each metric is a
/// sum over rows (<c>NLL = -(1/n) sum_i log p_{i,y_i}</c>, exact: the kept log-probabilities of a matrix built from logits), <c>Brier = (1/n) sum_i sum_k (p_ik - [k = y_i])^2</c>)
/// or a per-bin sum of confidences and hits (<c>ECE = sum_b (n_b/n) |acc_b - conf_b|</c>), accumulated in row order,
/// so the result equals the one-pass functions (<see cref="Accuracy"/>, <see cref="NegativeLogLikelihood"/>,
/// <see cref="BrierScore"/>, <see cref="ExpectedCalibrationError"/>) bit for bit, with memory independent of n.
/// </summary>
/// <example>
/// <code>
/// var sums = new MetricAccumulator(classes: 10);
/// foreach (var (chunk, labels) in chunks) { sums.Add(chunk, labels); }
/// double ece = sums.Ece;
/// </code>
/// </example>
public sealed class MetricAccumulator
{
    private readonly long[] _binCount;
    private readonly double[] _binConfidence;
    private readonly double[] _binHits;
    private long _correct;
    private double _nll;
    private double _brier;

    /// <summary>Creates empty sums for <paramref name="classes"/> classes and <paramref name="bins"/> equal-width confidence bins.</summary>
    public MetricAccumulator(int classes, int bins = ExpectedCalibrationError.DefaultBins)
    {
        Check.Classes(classes, nameof(classes));
        MetricInput.Bins(bins);
        Classes = classes;
        _binCount = new long[bins];
        _binConfidence = new double[bins];
        _binHits = new double[bins];
    }

    /// <summary>Number of classes.</summary>
    public int Classes { get; }

    /// <summary>Rows added so far.</summary>
    public long Rows { get; private set; }

    /// <summary>Top-1 accuracy of the rows so far.</summary>
    public double Accuracy => (double)_correct / RowsOrThrow();

    /// <summary>Mean negative log-likelihood of the true labels.</summary>
    public double Nll => _nll / RowsOrThrow();

    /// <summary>Mean multi-class Brier score.</summary>
    public double Brier => _brier / RowsOrThrow();

    /// <summary>Equal-width expected calibration error of the top-1 confidence.</summary>
    public double Ece
    {
        get
        {
            RowsOrThrow();
            return Binning.WeightedGap(Bins());
        }
    }

    /// <summary>Adds the rows of <paramref name="probabilities"/> with their <paramref name="labels"/>.</summary>
    public void Add(ProbabilityMatrix probabilities, ReadOnlySpan<int> labels)
    {
        MetricInput.Validate(probabilities, labels);
        Add(probabilities.Data, labels, probabilities.HasLogProbabilities ? probabilities : null);
    }

    /// <summary>Adds row-major probability rows (<c>labels.Length x Classes</c>) with their labels.</summary>
    public void Add(ReadOnlySpan<double> probabilities, ReadOnlySpan<int> labels) => Add(probabilities, labels, null);

    /// <summary>Adds the rows; the NLL reads the log-probabilities of <paramref name="logs"/> when given.</summary>
    private void Add(ReadOnlySpan<double> probabilities, ReadOnlySpan<int> labels, ProbabilityMatrix? logs)
    {
        int k = Classes;
        Check.SameLength(labels.Length * k, probabilities.Length, nameof(probabilities));
        int bins = _binCount.Length;
        for (int i = 0; i < labels.Length; i++)
        {
            var row = probabilities.Slice(i * k, k);
            int y = labels[i];
            if ((uint)y >= (uint)k)
            {
                throw new ArgumentOutOfRangeException(nameof(labels), y, $"label {i} is outside [0, {k}).");
            }

            int top = MetricInput.ArgMax(row);
            double hit = top == y ? 1.0 : 0.0;
            _correct += top == y ? 1 : 0;
            _nll += logs is null ? -Math.Log(row[y]) : NegativeLogLikelihood.Row(logs, i, y);
            for (int j = 0; j < k; j++)
            {
                double d = row[j] - (y == j ? 1.0 : 0.0);
                _brier += d * d;
            }

            int b = Binning.EqualWidthIndex(row[top], bins);
            _binCount[b]++;
            _binConfidence[b] += row[top];
            _binHits[b] += hit;
        }

        Rows += labels.Length;
    }

    /// <summary>The reliability bins of the rows so far.</summary>
    public ReliabilityBin[] Bins()
    {
        int bins = _binCount.Length;
        var result = new ReliabilityBin[bins];
        for (int b = 0; b < bins; b++)
        {
            result[b] = Binning.Make(b, (double)b / bins, (double)(b + 1) / bins, checked((int)_binCount[b]), _binConfidence[b], _binHits[b]);
        }

        return result;
    }

    private long RowsOrThrow() => Rows > 0 ? Rows : throw new InvalidOperationException("No rows have been added.");
}
