namespace Xainomaly.Detection;

/// <summary>The detector kinds a model file may hold, and how to read each back.</summary>
public static class DetectorCatalog
{
    private static readonly Dictionary<string, Func<BinaryReader, IAnomalyDetector>> Readers = new(StringComparer.Ordinal)
    {
        [IsolationForestDetector.KindName] = IsolationForestDetector.Read,
        [SsDeepCae.KindName] = r => SemiSupervisedDetector.Read(r, SsDeepCae.Read),
        [VanillaAutoencoder.KindName] = r => SemiSupervisedDetector.Read(r, VanillaAutoencoder.Read),
        [DeepAutoencoder.KindName] = r => SemiSupervisedDetector.Read(r, DeepAutoencoder.Read),
        [SemiSupervisedVae.KindName] = r => SemiSupervisedDetector.Read(r, SemiSupervisedVae.Read),
        [MlpClassifier.KindName] = r => SemiSupervisedDetector.Read(r, MlpClassifier.Read),
        [LstmAutoencoder.KindName] = r => SemiSupervisedDetector.Read(r, LstmAutoencoder.Read),
    };

    /// <summary>Kinds that can be read.</summary>
    public static IReadOnlyCollection<string> Kinds => Readers.Keys;

    /// <summary>Registers a reader for a kind (tests and extensions).</summary>
    public static void Register(string kind, Func<BinaryReader, IAnomalyDetector> reader)
    {
        lock (Readers) Readers[kind] = reader;
    }

    /// <summary>Reads a detector of <paramref name="kind"/>; an unknown kind is an <see cref="InvalidDataException"/>.</summary>
    public static IAnomalyDetector Read(string kind, BinaryReader reader, string source)
    {
        Func<BinaryReader, IAnomalyDetector>? read;
        lock (Readers) Readers.TryGetValue(kind, out read);
        if (read is null)
            throw new InvalidDataException($"{source}: unknown detector kind '{kind}' (this build reads {string.Join(", ", Kinds.Order(StringComparer.Ordinal))}).");
        try
        {
            return read(reader);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"{source}: the '{kind}' detector section is truncated.", e);
        }
    }
}
