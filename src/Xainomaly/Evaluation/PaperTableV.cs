namespace Xainomaly.Evaluation;

/// <summary>The XAInomaly paper's Table V (UAR %, mean ± std) for comparison in sweep reports.</summary>
public static class PaperTableV
{
    /// <summary>Label budgets of the table, "all" last.</summary>
    public static IReadOnlyList<string> Budgets { get; } = ["100", "300", "500", "800", "1000", "all"];

    /// <summary>Model kind → UAR % (mean, std) per budget, in <see cref="Budgets"/> order.</summary>
    public static IReadOnlyDictionary<string, (double Mean, double Std)[]> Uar { get; } = new Dictionary<string, (double, double)[]>(StringComparer.Ordinal)
    {
        ["vanilla-ae"] = [(43.46, 2.1), (46.67, 2.2), (48.14, 0.8), (51.27, 2.3), (58.73, 0.9), (65.13, 1.6)],
        ["lstm-ae"] = [(59.82, 1.3), (62.22, 1.8), (65.71, 0.9), (68.17, 0.5), (71.33, 2.1), (76.63, 0.9)],
        ["sla-vae"] = [(64.56, 1.9), (68.57, 1.2), (71.32, 0.7), (75.19, 2.1), (81.13, 1.1), (85.43, 1.3)],
        ["deepae"] = [(71.72, 1.5), (74.48, 1.9), (75.72, 2.1), (76.39, 0.7), (83.33, 1.8), (88.66, 1.8)],
        ["ss-deepcae"] = [(80.17, 0.6), (82.67, 1.2), (85.12, 1.1), (86.39, 1.7), (91.33, 1.4), (91.17, 0.6)],
    };

    /// <summary>The paper's figure for a model and budget, if the table has it.</summary>
    public static (double Mean, double Std)? Lookup(string model, string budget)
    {
        if (!Uar.TryGetValue(model, out var row)) return null;
        int i = ((List<string>)[.. Budgets]).IndexOf(budget);
        return i < 0 ? null : row[i];
    }
}
