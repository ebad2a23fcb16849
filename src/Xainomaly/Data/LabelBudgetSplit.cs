namespace Xainomaly.Data;

/// <summary>A pool divided into the rows whose labels may be used and the rows treated as unlabelled, each sorted.</summary>
/// <param name="Labelled">Rows whose labels the whole procedure may see (training and every choice).</param>
/// <param name="Unlabelled">Rows used without their labels.</param>
public sealed record LabelBudgetSplit(int[] Labelled, int[] Unlabelled);
