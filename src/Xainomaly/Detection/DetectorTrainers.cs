namespace Xainomaly.Detection;

/// <summary>Makes the trainer of a detector kind from user settings.</summary>
public static class DetectorTrainers
{
    /// <summary>The kinds that can be trained, in the order the papers list them.</summary>
    public static IReadOnlyList<string> Kinds { get; } = [IsolationForestDetector.KindName, LstmAutoencoder.KindName];

    /// <summary>A trainer for <paramref name="kind"/>; an unknown kind is an <see cref="ArgumentException"/> naming the known ones.</summary>
    public static IDetectorTrainer Create(string kind, TrainerSettings? settings = null)
    {
        settings ??= new TrainerSettings();
        return kind switch
        {
            IsolationForestDetector.KindName => new IsolationForestTrainer(new IsolationForestOptions
            {
                TreeCount = settings.Trees ?? 100,
                Contamination = settings.Contamination,
            }),
            LstmAutoencoder.KindName => LstmAutoencoder.CreateTrainer(settings),
            _ => throw new ArgumentException($"Unknown detector '{kind}'; expected one of {string.Join(", ", Kinds)}.", nameof(kind)),
        };
    }
}
