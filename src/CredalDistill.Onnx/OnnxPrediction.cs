namespace CredalDistill.Onnx;

/// <summary>Outputs of <see cref="OnnxClassifier.PredictWithFeatures"/> for <see cref="Count"/> images, all row-major.</summary>
/// <param name="Count">Number of images N.</param>
/// <param name="Classes">Number of classes K.</param>
/// <param name="FeatureDimension">Feature dimension D.</param>
/// <param name="Logits">Raw class-score output, N x K.</param>
/// <param name="Probabilities">Class probabilities, N x K (softmax of the logits).</param>
/// <param name="Features">Penultimate features, N x D.</param>
public sealed record OnnxPrediction(int Count, int Classes, int FeatureDimension, float[] Logits, double[] Probabilities, float[] Features);
