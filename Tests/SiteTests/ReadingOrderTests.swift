import Foundation
import GuideModel
import Testing
@testable import Site

@Suite("Site reading order")
struct ReadingOrderTests {
    @Test("index.md first, then the guides in the order the index links them, then the rest by path")
    func orderFollowsTheIndex() throws {
        let set = try GuideSet.parse(sources: [
            "Guides/a.md": "# A\n",
            "Guides/b.md": "# B\n",
            "Guides/c.md": "# C\n",
            "Guides/z.md": "# Z\n",
            "Guides/index.md": "# Start\n\n1. [Zed](z.md#top)\n2. [See](c.md)\n3. [Zed again](z.md)\n4. [Web](https://example.invalid/a.md)\n",
        ])
        let order = SiteBuilder.readingOrder(set.guides).map(\.path)
        #expect(order == ["Guides/index.md", "Guides/z.md", "Guides/c.md", "Guides/a.md", "Guides/b.md"])
    }

    @Test("without an index.md the order is unchanged")
    func noIndex() throws {
        let set = try GuideSet.parse(sources: ["Guides/b.md": "# B\n", "Guides/a.md": "# A\n"])
        #expect(SiteBuilder.readingOrder(set.guides).map(\.path) == set.guides.map(\.path))
    }
}
