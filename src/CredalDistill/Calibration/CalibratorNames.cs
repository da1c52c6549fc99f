namespace CredalDistill.Calibration;

/// <summary>The stable names of the calibration methods (artifact field <c>method</c>, CLI <c>--method</c>).</summary>
public static class CalibratorNames
{
    /// <summary>CD-CI: a conformal threshold around the edge output.</summary>
    public const string Cdci = "cdci";

    /// <summary>Temperature scaling with labels.</summary>
    public const string Ts = "ts";

    /// <summary>Distilled temperature scaling (no labels).</summary>
    public const string DistilledTs = "distilled-ts";

    /// <summary>Distilled temperature on one half, then CD-CI around the tempered edge on the other (METHOD.md section 3.4).</summary>
    public const string TwoStage = "distilled-ts+cdci";

    /// <summary>The label-free choice among distilled TS, CD-CI and the two-stage method.</summary>
    public const string Auto = "auto";

    /// <summary>The methods a <see cref="IO.CalibrationArtifact"/> can hold, in documentation order.</summary>
    public static IReadOnlyList<string> Serialisable { get; } = [Cdci, DistilledTs, Ts, TwoStage, Auto];
}
