namespace CredalDistill.Experiments;

/// <summary>What a row of the experiment is: a model as is, a point calibration, or a credal method (see <see cref="MethodKey"/>).</summary>
public enum MethodKind
{
    /// <summary>The edge model's outputs as they are (whole test set, a prefix of it, or a quantized edge).</summary>
    Edge,

    /// <summary>The cloud model's outputs as they are.</summary>
    Cloud,

    /// <summary>The cloud temperature-scaled with labels (<see cref="MethodKey.Objective"/>).</summary>
    CloudTs,

    /// <summary>The edge temperature-scaled with labels (<see cref="MethodKey.Objective"/>).</summary>
    EdgeTs,

    /// <summary>The edge with distilled temperature scaling (no labels).</summary>
    DistilledTs,

    /// <summary>Last-layer Laplace on the edge (<see cref="MethodKey.Laplace"/>).</summary>
    Laplace,

    /// <summary>CD-CI with a fixed divergence and eps (<see cref="MethodKey.Divergence"/>, <see cref="MethodKey.Epsilon"/>, <see cref="MethodKey.Output"/>).</summary>
    Cdci,

    /// <summary>CD-CI with eps (and, when <see cref="MethodKey.Divergence"/> is null, the divergence) chosen without labels.</summary>
    CdciAuto,

    /// <summary>Distilled temperature, then CD-CI around the tempered edge (docs/METHOD.md).</summary>
    TwoStage,

    /// <summary>A method of the library's registry by its name (<see cref="MethodKey.Method"/>) with its default settings.</summary>
    Registered,
}
