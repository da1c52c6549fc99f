using CredalDistill.IO;

namespace CredalDistill.Calibration;

/// <summary>
/// One calibration method of the registry (<see cref="CalibrationMethods"/>): its stable name, its help text, what it needs,
/// which settings it reads, what its artifact may hold, and how to create it. The artifact, the CLI (<c>--method</c>, its
/// option checks and help), <c>auto</c>'s candidates, the export and the experiments all read these entries, so a method is
/// added as one file (its <see cref="Calibrator"/> with its entry) plus one line in <see cref="CalibrationMethods"/>.
/// </summary>
public sealed class CalibrationMethod
{
    private readonly Func<MethodOptions, Calibrator> _create;

    /// <summary>Creates an entry.</summary>
    /// <param name="name">The stable name (artifact field <c>method</c>, CLI <c>--method</c>).</param>
    /// <param name="summary">One or two sentences for help texts: what the method does and needs.</param>
    /// <param name="create">Builds the calibrator from the settings it reads.</param>
    internal CalibrationMethod(string name, string summary, Func<MethodOptions, Calibrator> create)
    {
        Name = name;
        Summary = summary;
        _create = create;
    }

    /// <summary>The stable name.</summary>
    public string Name { get; }

    /// <summary>What the method does and needs, for help texts.</summary>
    public string Summary { get; }

    /// <summary>True when the method needs the calibration rows' true labels.</summary>
    public bool NeedsLabels { get; init; }

    /// <summary>True when the method reads the edge's last-layer features instead of its outputs (Laplace).</summary>
    public bool NeedsFeatures { get; init; }

    /// <summary>True when the method gives credal sets (a conformal threshold: bounds, label sets, a coverage guarantee).</summary>
    public bool GivesSets { get; init; }

    /// <summary>True when the fitted method saves to a <see cref="CalibrationArtifact"/> (every method that reads edge outputs).</summary>
    public bool Saves { get; init; } = true;

    /// <summary>True when <c>auto</c> considers the method (label-free, saves, reads edge outputs).</summary>
    public bool AutoCandidate { get; init; }

    /// <summary>True for a label-free point map: the registry also offers <c>&lt;name&gt;+cdci</c>, the map on one half of the rows and the conformal threshold around it on the other.</summary>
    public bool Composable { get; init; }

    /// <summary>The map shapes the method's artifact may hold.</summary>
    public IReadOnlyList<MapShape> Maps { get; init; } = [MapShape.Identity];

    /// <summary>What the parameters of the method's map minimise (empty for the identity map).</summary>
    public IReadOnlyList<MapObjective> Objectives { get; init; } = [];

    /// <summary>The <see cref="MethodOptions"/> settings the method reads (names from <see cref="MethodOptionNames"/>).</summary>
    public IReadOnlyList<string> Options { get; init; } = [];

    /// <summary>True when the artifact may hold a per-row threshold (Mondrian, covariate shift).</summary>
    internal bool PerRowThresholds { get; init; }

    /// <summary>True when the artifact records a label-free choice (<c>auto</c>).</summary>
    internal bool RecordsChoice { get; init; }

    /// <summary>True when the method reads the setting <paramref name="option"/>.</summary>
    public bool Reads(string option) => Options.Contains(option);

    /// <summary>Creates the method's calibrator with <paramref name="options"/> (null: the defaults).</summary>
    /// <exception cref="ArgumentException">A setting the method reads has a value it does not accept; the message says which.</exception>
    public Calibrator Create(MethodOptions? options = null) => _create(options ?? new MethodOptions());

    /// <inheritdoc />
    public override string ToString() => Name;

    /// <summary>Null when <paramref name="artifact"/> has the shape this method's artifacts have; otherwise the reason.</summary>
    internal string? Check(CalibrationArtifact artifact)
    {
        if (!Saves)
        {
            return $"method '{Name}' cannot be saved as a calibration artifact";
        }

        if (!Maps.Contains(artifact.Map.Shape))
        {
            return $"method '{Name}' holds a map of shape {string.Join(" or ", Maps.Select(MapShapes.Name))}; this artifact's map is {MapShapes.Name(artifact.Map.Shape)}";
        }

        if (!artifact.Map.IsIdentity && artifact.Map.Objective is null)
        {
            return $"the {MapShapes.Name(artifact.Map.Shape)} map of a saved method records what it was fitted to (an objective and its rows)";
        }

        if (!artifact.Map.IsIdentity && artifact.Map.Objective is { } objective && !Objectives.Contains(objective))
        {
            return $"method '{Name}' fits its map by {string.Join(" or ", Objectives.Select(MapShapes.Name))}; this artifact's map objective is {MapShapes.Name(objective)}";
        }

        if (GivesSets != artifact.HasThreshold)
        {
            return GivesSets ? $"method '{Name}' needs a divergence and a threshold" : $"method '{Name}' is a point calibration; it has no divergence or threshold";
        }

        if (!CalibratedOutputNames.IsDistribution(artifact.Output) || (!GivesSets && artifact.Output != CalibratedOutput.Calibrated))
        {
            return GivesSets
                ? $"output '{CalibratedOutputNames.Name(artifact.Output)}' is not a single distribution; expected calibrated, {CalibratedOutputNames.Extractions}"
                : $"method '{Name}' has no credal set; its output must be 'calibrated'";
        }

        if (artifact.Threshold?.Rows is not null && !PerRowThresholds)
        {
            return $"a Mondrian or covariate-shift threshold needs method 'cdci'; this artifact's method is '{Name}'";
        }

        if (RecordsChoice != (artifact.Auto is not null))
        {
            return RecordsChoice ? $"method '{Name}' needs the 'auto' record (what was chosen and why)" : $"'auto' must be null for method '{Name}'";
        }

        return null;
    }
}
