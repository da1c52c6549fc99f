namespace CredalDistill.Calibration;

/// <summary>The names of the <see cref="MethodOptions"/> settings, as listed by <see cref="CalibrationMethod.Options"/>.</summary>
public static class MethodOptionNames
{
    /// <summary><see cref="MethodOptions.Divergence"/>.</summary>
    public const string Divergence = "divergence";

    /// <summary><see cref="MethodOptions.Epsilon"/>.</summary>
    public const string Epsilon = "epsilon";

    /// <summary><see cref="MethodOptions.Output"/>.</summary>
    public const string Output = "output";

    /// <summary><see cref="MethodOptions.Objective"/>.</summary>
    public const string Objective = "objective";

    /// <summary><see cref="MethodOptions.Regularization"/>.</summary>
    public const string Regularization = "regularization";

    /// <summary><see cref="MethodOptions.Delta"/>.</summary>
    public const string Delta = "delta";

    /// <summary><see cref="MethodOptions.Mondrian"/>.</summary>
    public const string Mondrian = "mondrian";

    /// <summary><see cref="MethodOptions.DeploymentEdge"/>.</summary>
    public const string DeploymentEdge = "deployment-edge";
}
