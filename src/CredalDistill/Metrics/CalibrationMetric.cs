namespace CredalDistill.Metrics;

/// <summary>The labelled metrics that <see cref="CalibrationBootstrap"/> resamples (all fractions except NLL, in nats).</summary>
public enum CalibrationMetric
{
    /// <summary>Top-1 accuracy (<see cref="Metrics.Accuracy"/>).</summary>
    Accuracy = 0,

    /// <summary>Plug-in ECE with equal-width bins, the paper's rule (<see cref="ExpectedCalibrationError"/>).</summary>
    Ece = 1,

    /// <summary>Debiased top-label L2 ECE with equal-mass bins (<see cref="DebiasedCalibrationError"/>).</summary>
    EceDebiased = 2,

    /// <summary>KS calibration error (<see cref="KsCalibrationError"/>).</summary>
    KsError = 3,

    /// <summary>Negative log-likelihood in nats (<see cref="NegativeLogLikelihood"/>).</summary>
    Nll = 4,

    /// <summary>Multi-class Brier score (<see cref="BrierScore"/>).</summary>
    Brier = 5,
}
