namespace CredalDistill.Calibration;

/// <summary>What the parameters of a <see cref="CalibrationMap"/> minimise on the calibration rows.</summary>
public enum MapObjective
{
    /// <summary><c>nll</c>: the mean negative log-likelihood of the true labels (needs labels).</summary>
    NegativeLogLikelihood,

    /// <summary><c>ece</c>: the paper's 15-bin ECE over the temperature grid <c>T = 0.1, 0.2, ..., 4.0</c> (needs labels; temperature only).</summary>
    ExpectedCalibrationError,

    /// <summary><c>distilled-kl</c>: the mean <c>KL(p_cloud || q)</c>, i.e. the cross-entropy against the cloud's soft labels (no labels).</summary>
    DistilledKullbackLeibler,
}
