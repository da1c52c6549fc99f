using CredalDistill.Validation;

namespace CredalDistill.Metrics;

/// <summary>
/// Accuracy, NLL, Brier score, equal-width ECE, debiased ECE and KS calibration error over rows that arrive in chunks (a
/// streamed file). The first four are sums over rows (<c>NLL = -(1/n) sum_i log p_{i,y_i}</c>, exact: the kept log-probabilities of a matrix built from logits,
/// <c>Brier = (1/n) sum_i sum_k (p_ik - [k = y_i])^2</c>) or per-bin sums of confidences and hits
/// (<c>ECE = sum_b (n_b/n) |acc_b - conf_b|</c>), accumulated in row order, so they equal the one-pass functions
/// (<see cref="Accuracy"/>, <see cref="NegativeLogLikelihood"/>, <see cref="BrierScore"/>, <see cref="ExpectedCalibrationError"/>)
/// bit for bit with memory independent of n. The debiased ECE (<see cref="DebiasedCalibrationError"/>, equal-mass bins)
/// and the KS error (<see cref="KsCalibrationError"/>) sort all rows by confidence, so they are not streaming metrics:
/// the accumulator keeps each row's confidence and correctness (<see cref="RowRetention.Confidence"/>, the default:
/// 9 bytes a row, plus 4 bytes a row for the sort order while they are computed, and up to twice the kept bytes while a
/// buffer grows), or also its NLL and Brier terms for <see cref="CalibrationBootstrap"/> (<see cref="RowRetention.Bootstrap"/>,
/// 25 bytes a row); with <see cref="RowRetention.None"/> memory stays constant and those two metrics are unavailable.
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
    private double[] _rowConfidence = [];
    private bool[] _rowCorrect = [];
    private double[] _rowNll = [];
    private double[] _rowBrier = [];
    private TopLabelOrder? _sorted;

    /// <summary>
    /// Creates empty sums for <paramref name="classes"/> classes, <paramref name="bins"/> confidence bins (equal-width for
    /// <see cref="Ece"/>, equal-mass for <see cref="EceDebiased"/>) and what to keep of each row.
    /// </summary>
    /// <param name="classes">Number of classes <c>K &gt;= 2</c>.</param>
    /// <param name="bins">Number of bins <c>B &gt;= 1</c> (default 15, the paper's and the debiased estimator's).</param>
    /// <param name="retention">What is kept per row (default <see cref="RowRetention.Confidence"/>).</param>
    public MetricAccumulator(int classes, int bins = ExpectedCalibrationError.DefaultBins, RowRetention retention = RowRetention.Confidence)
    {
        Check.Classes(classes, nameof(classes));
        MetricInput.Bins(bins);
        if (retention is < RowRetention.None or > RowRetention.Bootstrap)
        {
            throw new ArgumentOutOfRangeException(nameof(retention), retention, "unknown row retention.");
        }

        Classes = classes;
        Retention = retention;
        _binCount = new long[bins];
        _binConfidence = new double[bins];
        _binHits = new double[bins];
    }

    /// <summary>Number of classes.</summary>
    public int Classes { get; }

    /// <summary>What is kept of each row.</summary>
    public RowRetention Retention { get; }

    /// <summary>Number of confidence bins <c>B</c>.</summary>
    public int BinCount => _binCount.Length;

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

    /// <summary>Debiased top-label L2 ECE over <see cref="BinCount"/> equal-mass bins (see <see cref="DebiasedCalibrationError"/>).</summary>
    /// <exception cref="InvalidOperationException">No rows, or <see cref="RowRetention.None"/>.</exception>
    public double EceDebiased => DebiasedCalibrationError.FromSorted(Sorted(), _binCount.Length);

    /// <summary>KS calibration error of the top-1 prediction (see <see cref="KsCalibrationError"/>).</summary>
    /// <exception cref="InvalidOperationException">No rows, or <see cref="RowRetention.None"/>.</exception>
    public double KsError => KsCalibrationError.FromSorted(Sorted());

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
        int kept = checked((int)Rows);
        Reserve(kept + labels.Length);
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
            double nll = logs is null ? -Math.Log(row[y]) : NegativeLogLikelihood.Row(logs, i, y);
            _nll += nll;
            double brier = 0.0;
            for (int j = 0; j < k; j++)
            {
                double d = row[j] - (y == j ? 1.0 : 0.0);
                _brier += d * d;
                brier += d * d;
            }

            int b = Binning.EqualWidthIndex(row[top], bins);
            _binCount[b]++;
            _binConfidence[b] += row[top];
            _binHits[b] += hit;
            if (Retention != RowRetention.None)
            {
                _rowConfidence[kept + i] = row[top];
                _rowCorrect[kept + i] = top == y;
                if (Retention == RowRetention.Bootstrap)
                {
                    _rowNll[kept + i] = nll;
                    _rowBrier[kept + i] = brier;
                }
            }
        }

        Rows += labels.Length;
        _sorted = null;
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

    /// <summary>Kept top-1 confidence of each row (empty under <see cref="RowRetention.None"/>).</summary>
    internal ReadOnlySpan<double> RowConfidence => _rowConfidence.AsSpan(0, Retention == RowRetention.None ? 0 : (int)Rows);

    /// <summary>Kept correctness of each row (empty under <see cref="RowRetention.None"/>).</summary>
    internal ReadOnlySpan<bool> RowCorrect => _rowCorrect.AsSpan(0, Retention == RowRetention.None ? 0 : (int)Rows);

    /// <summary>Kept NLL term <c>-log p_{i,y_i}</c> (exact, from the kept log-probabilities when there are any) of each row (empty unless <see cref="RowRetention.Bootstrap"/>).</summary>
    internal ReadOnlySpan<double> RowNll => _rowNll.AsSpan(0, Retention == RowRetention.Bootstrap ? (int)Rows : 0);

    /// <summary>Kept Brier term <c>sum_k (p_ik - [k = y_i])^2</c> of each row (empty unless <see cref="RowRetention.Bootstrap"/>).</summary>
    internal ReadOnlySpan<double> RowBrier => _rowBrier.AsSpan(0, Retention == RowRetention.Bootstrap ? (int)Rows : 0);

    /// <summary>The kept rows sorted by confidence (cached until the next <see cref="Add(ReadOnlySpan{double}, ReadOnlySpan{int})"/>).</summary>
    internal TopLabelOrder Sorted()
    {
        RowsOrThrow();
        if (Retention == RowRetention.None)
        {
            throw new InvalidOperationException("The debiased ECE and the KS error need the rows' confidences: create the accumulator with RowRetention.Confidence or Bootstrap.");
        }

        return _sorted ??= TopLabelOrder.Of(RowConfidence, RowCorrect);
    }

    /// <summary>Grows the kept-row buffers (doubling) to hold <paramref name="rows"/> rows.</summary>
    private void Reserve(int rows)
    {
        if (Retention == RowRetention.None || rows <= _rowConfidence.Length)
        {
            return;
        }

        int capacity = (int)Math.Clamp(2L * _rowConfidence.Length, Math.Max(rows, 256), Array.MaxLength);
        capacity = Math.Max(capacity, rows);
        Array.Resize(ref _rowConfidence, capacity);
        Array.Resize(ref _rowCorrect, capacity);
        if (Retention == RowRetention.Bootstrap)
        {
            Array.Resize(ref _rowNll, capacity);
            Array.Resize(ref _rowBrier, capacity);
        }
    }

    private long RowsOrThrow() => Rows > 0 ? Rows : throw new InvalidOperationException("No rows have been added.");
}
