using CredalDistill.Divergences;

namespace CredalDistill.Conformal;

/// <summary>Result of <see cref="ConfigurationSelector.Select"/>: the score of every (divergence, eps) pair and the chosen pair.</summary>
internal sealed class ConfigurationSelection
{
    internal ConfigurationSelection(FDivergence[] divergences, double[] epsilons, double[][] scores, double[][] agreements, int divergenceIndex, int epsilonIndex, ConformalThreshold threshold)
    {
        Divergences = divergences;
        Epsilons = epsilons;
        Scores = scores;
        Agreements = agreements;
        ChosenDivergenceIndex = divergenceIndex;
        ChosenEpsilonIndex = epsilonIndex;
        Threshold = threshold;
    }

    /// <summary>The candidate divergences, in the order given.</summary>
    public IReadOnlyList<FDivergence> Divergences { get; }

    /// <summary>The candidate miscoverage levels, in the order given.</summary>
    public IReadOnlyList<double> Epsilons { get; }

    /// <summary><c>Scores[d][e]</c>: cross-fitted cloud-referenced ECE (fraction) of divergence <c>d</c> at eps <c>e</c>; lower is better.</summary>
    public IReadOnlyList<IReadOnlyList<double>> Scores { get; }

    /// <summary><c>Agreements[d][e]</c>: cross-fitted top-1 agreement with the cloud (fraction) on the same folds; not used by the choice.</summary>
    public IReadOnlyList<IReadOnlyList<double>> Agreements { get; }

    /// <summary>Index of the chosen divergence.</summary>
    public int ChosenDivergenceIndex { get; }

    /// <summary>Index of the chosen miscoverage.</summary>
    public int ChosenEpsilonIndex { get; }

    /// <summary>The chosen divergence.</summary>
    public FDivergence Divergence => Divergences[ChosenDivergenceIndex];

    /// <summary>The chosen miscoverage.</summary>
    public double Epsilon => Epsilons[ChosenEpsilonIndex];

    /// <summary>The threshold of the chosen pair, calibrated on the whole calibration set.</summary>
    public ConformalThreshold Threshold { get; }
}
