using Xainomaly.Detection;
using Xainomaly.Explanation;

namespace Xainomaly.Service.Pipeline;

/// <summary>Loads the explainer file given to <c>serve --explainer</c> as an <see cref="IRecordExplainer"/> for a model.</summary>
public static class ExplainerFiles
{
    /// <summary>
    /// Loads a fastSHAP explainer file; it must have been fitted for <paramref name="model"/> (the file carries the
    /// model's fingerprint). A foreign, corrupted or mismatched file is an <see cref="InvalidDataException"/>.
    /// </summary>
    public static IRecordExplainer Load(string path, DetectorModel model, int coalitions = 32)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(model);
        if (!File.Exists(path)) throw new FileNotFoundException($"Explainer file not found: {path}", path);
        return new FastShapRecordExplainer(ExplainerModel.Load(path, model), coalitions);
    }
}
