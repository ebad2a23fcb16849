using Xainomaly.Data;

namespace Xainomaly.Detection;

/// <summary>A model's verdict on a table: per row the score and the decision, plus what preprocessing had to handle.</summary>
/// <param name="Scores">Score per row (higher = more abnormal).</param>
/// <param name="Predictions">1 when the score exceeds the threshold.</param>
/// <param name="Threshold">The threshold used.</param>
/// <param name="Report">Unseen categories and out-of-range values met while preprocessing.</param>
public sealed record ModelScores(float[] Scores, int[] Predictions, double Threshold, TransformReport Report);
