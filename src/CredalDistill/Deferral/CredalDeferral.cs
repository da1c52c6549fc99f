using CredalDistill.Credal;
using CredalDistill.Numerics;

namespace CredalDistill.Deferral;

/// <summary>
/// Edge-to-cloud deferral from a per-input statistic: <see cref="Score"/> is larger for inputs that need the cloud more,
/// and <see cref="Defer(double)"/> compares it with the level. For <see cref="DeferralRule.LabelSetSize"/> the score is the
/// label-set size and an input is deferred when it exceeds 1; for <see cref="DeferralRule.TopIntervalWidth"/>
/// it is <c>u_c - l_c</c>; for <see cref="DeferralRule.RivalUpper"/> <c>max_{k != c} u_k</c>; for
/// <see cref="DeferralRule.EdgeConfidence"/> <c>1 - max_k p_k</c> (deferred when <c>max_k p_k &lt; level</c>).
/// </summary>
public sealed class CredalDeferral
{
    /// <summary>A deferral rule around a calibrated credal predictor.</summary>
    /// <param name="predictor">The CD-CI predictor (divergence and threshold); unused by <see cref="DeferralRule.EdgeConfidence"/>.</param>
    /// <param name="rule">The rule.</param>
    /// <param name="level">The level in [0, 1] (ignored by <see cref="DeferralRule.LabelSetSize"/>).</param>
    public CredalDeferral(CredalPredictor predictor, DeferralRule rule, double level = 0.5)
    {
        ArgumentNullException.ThrowIfNull(predictor);
        if (!Enum.IsDefined(rule))
        {
            throw new ArgumentOutOfRangeException(nameof(rule), rule, "unknown deferral rule.");
        }

        if (!(level >= 0.0 && level <= 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "the deferral level must be in [0, 1].");
        }

        Predictor = predictor;
        Rule = rule;
        Level = level;
    }

    /// <summary>The CD-CI predictor whose credal sets the rule reads.</summary>
    public CredalPredictor Predictor { get; }

    /// <summary>The rule.</summary>
    public DeferralRule Rule { get; }

    /// <summary>The level compared with the score.</summary>
    public double Level { get; }

    /// <summary>The rule's statistic for one edge output (larger = more in need of the cloud); allocation-free.</summary>
    public double Score(EdgeRow edge)
    {
        int k = edge.Classes;
        int c = edge.ArgMax();
        if (Rule == DeferralRule.EdgeConfidence)
        {
            using var pLease = new ScratchLease();
            Span<double> logP = k <= ScratchLease.StackDoubles ? stackalloc double[k] : pLease.Rent(k);
            edge.LogProbabilities(logP);
            return 1.0 - Math.Exp(logP[c]);
        }

        using var lease = new ScratchLease();
        Span<double> work = 2 * k <= ScratchLease.StackDoubles ? stackalloc double[2 * k] : lease.Rent(2 * k);
        var lower = work[..k];
        var upper = work[k..];
        Predictor.Bounds(edge, lower, upper);
        switch (Rule)
        {
            case DeferralRule.TopIntervalWidth:
                return upper[c] - lower[c];
            case DeferralRule.RivalUpper:
                double rival = 0.0;
                for (int j = 0; j < k; j++)
                {
                    if (j != c)
                    {
                        rival = Math.Max(rival, upper[j]);
                    }
                }

                return rival;
            default:
                // The interval-dominance label set { k : u_k >= max_j l_j }.
                Span<bool> members = k <= 4 * ScratchLease.StackDoubles ? stackalloc bool[k] : new bool[k];
                LabelSets.IntervalDominance(lower, upper, members);
                int size = 0;
                foreach (bool member in members)
                {
                    size += member ? 1 : 0;
                }

                return size;
        }
    }

    /// <summary>True when the input should go to the cloud.</summary>
    public bool Defer(EdgeRow edge) => Defer(Score(edge));

    /// <summary>True when an input with this <see cref="Score"/> should go to the cloud (the rule's comparison with <see cref="Level"/>).</summary>
    public bool Defer(double score)
    {
        return Rule switch
        {
            DeferralRule.LabelSetSize => score > 1.0,
            DeferralRule.EdgeConfidence => 1.0 - score < Level,
            _ => score > Level,
        };
    }

    /// <summary>Scores of every row (for deferral curves).</summary>
    public double[] Scores(ProbabilityMatrix edge)
    {
        ArgumentNullException.ThrowIfNull(edge);
        var scores = new double[edge.Rows];
        for (int i = 0; i < edge.Rows; i++)
        {
            scores[i] = Score(edge.AsEdgeRow(i));
        }

        return scores;
    }

    /// <summary>Decisions for every row: true = send to the cloud.</summary>
    public bool[] Decide(ProbabilityMatrix edge)
    {
        ArgumentNullException.ThrowIfNull(edge);
        var defer = new bool[edge.Rows];
        for (int i = 0; i < edge.Rows; i++)
        {
            defer[i] = Defer(edge.AsEdgeRow(i));
        }

        return defer;
    }
}
