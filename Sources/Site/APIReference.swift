import Foundation
import Support

/// Builds the API reference of the package's library modules with DocC, as static files inside the site
/// (`<output>/api/<Target>/`), by running `swift package generate-documentation` (the swift-docc-plugin).
///
/// DocC's static hosting output uses absolute paths under its hosting base path, so the reference works
/// when the site is served over HTTP at `basePath` (the site's own path on the server, `/` by default);
/// it is not meant to be opened from `file://`.
///
/// ```swift
/// let links = try APIReference.build(targets: ["Libvirt", "NBD"], root: root, output: site, basePath: "/")
/// options.apiLinks = links
/// ```
public enum APIReference {
    /// The site path of a target's start page: `api/Libvirt/documentation/libvirt/` (DocC's app wants the
    /// folder: for `…/index.html` it would fetch `index.html.json`).
    public static func startPage(target: String) -> String {
        "api/\(target)/documentation/\(target.lowercased())/"
    }

    /// The links to the references of `targets` that already exist in `output` (built by an earlier run).
    public static func existingLinks(targets: [String], output: URL) -> [SiteBuilder.APILink] {
        targets.compactMap { target in
            let page = startPage(target: target)
            guard FileManager.default.fileExists(atPath: output.appendingPathComponent(page + "index.html").path) else { return nil }
            return SiteBuilder.APILink(title: "\(target) API", path: page)
        }
    }

    /// Runs DocC for each target, one after the other, printing its output to `log`.
    ///
    /// - Returns: a link to each reference, for ``SiteBuilder/Options/apiLinks``.
    /// - Throws: ``SiteError`` naming the target when `swift package` fails or cannot be started.
    public static func build(targets: [String], root: URL, output: URL, basePath: String = "/", swift: String = "swift",
                             log: @escaping @Sendable (String) -> Void = { _ in }) throws(SiteError) -> [SiteBuilder.APILink] {
        var links: [SiteBuilder.APILink] = []
        let apiDirectory = output.appendingPathComponent("api")
        let trimmedBase = basePath.split(separator: "/").joined(separator: "/")
        do {
            // DocC moves its archive into place: the parent must exist and the old copy must be gone.
            try FileManager.default.createDirectory(at: apiDirectory, withIntermediateDirectories: true)
        } catch {
            throw SiteError(file: apiDirectory.path, message: "cannot create the API folder: \(error.localizedDescription)")
        }
        for target in targets {
            let targetOutput = apiDirectory.appendingPathComponent(target)
            try? FileManager.default.removeItem(at: targetOutput)
            let hostingBase = (trimmedBase.isEmpty ? "" : trimmedBase + "/") + "api/" + target
            let arguments = ["package", "--disable-sandbox", "--allow-writing-to-directory", apiDirectory.path,
                             "generate-documentation", "--target", target, "--output-path", targetOutput.path,
                             "--transform-for-static-hosting", "--hosting-base-path", hostingBase]
            log("$ \(swift) \(arguments.joined(separator: " "))")
            var spec = ProcessSpec(swift, arguments)
            spec.currentDirectory = root.path
            spec.errorOutput = .sameAsOutput
            let result: Subprocess.Result
            do { result = try Subprocess.run(spec) } catch {
                throw SiteError(file: target, message: "cannot run swift package generate-documentation: \(error)")
            }
            let text = result.output
            guard result.status == 0 else {
                let lines = text.split(separator: "\n")
                let errors = lines.filter { $0.contains("error:") }
                let shown = (errors.isEmpty ? Array(lines.suffix(20)) : Array(errors.prefix(20))).joined(separator: "\n")
                throw SiteError(file: target, message: "DocC failed (exit \(result.status)):\n\(shown)")
            }
            log(text.split(separator: "\n").suffix(3).joined(separator: "\n"))
            let page = startPage(target: target)
            guard FileManager.default.fileExists(atPath: output.appendingPathComponent(page + "index.html").path) else {
                throw SiteError(file: target, message: "DocC finished but \(page)index.html is missing")
            }
            // DocC's app asks for an optional theme file; an empty one keeps its default look and spares a
            // failed request.
            let theme = targetOutput.appendingPathComponent("theme-settings.json")
            if !FileManager.default.fileExists(atPath: theme.path) {
                try? Data("{}\n".utf8).write(to: theme)
            }
            links.append(SiteBuilder.APILink(title: "\(target) API", path: page))
        }
        return links
    }
}
