using Xainomaly.Detection;

namespace Xainomaly.Service.Pipeline;

/// <summary>Loads the explainer file given to <c>serve --explainer</c> as an <see cref="IRecordExplainer"/> for a model.</summary>
public static class ExplainerFiles
{
    /// <summary>Loads <paramref name="path"/>; it must have been fitted for <paramref name="model"/>.</summary>
    public static IRecordExplainer Load(string path, DetectorModel model)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(model);
        if (!File.Exists(path)) throw new FileNotFoundException($"Explainer file not found: {path}", path);
        throw new InvalidDataException($"{path}: fastSHAP-C explainer files are not supported by this build yet.");
    }
}
