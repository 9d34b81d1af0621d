import Testing
@testable import DriftscopeLint

/// Continuations, the escape directive, comments and here-documents: findings must land on the physical line.
@Suite struct ContinuationTests {
    @Test func findingPointsAtTheContinuedLineOfTheOffendingWord() {
        let dockerfile = """
            \(pinnedBase)
            RUN apt-get update && \\
                # a comment inside the continuation is dropped
                apt-get install -y \\

                    curl \\
                    git=1:2.39.2-1.1
            RUN npm install
            """
        #expect(hits(lint(dockerfile)) == [Hit("DS009", 6), Hit("DS011", 8)])
    }

    @Test func trailingBlanksAfterTheEscapeStillContinue() {
        let dockerfile = pinnedBase + "\nRUN apt-get update && \\   \n    apt-get upgrade -y\n"
        #expect(hits(lint(dockerfile)) == [Hit("DS010", 3)])
    }

    @Test func backtickEscapeDirective() {
        let dockerfile = """
            # escape=`
            \(pinnedBase)
            RUN apt-get install -y `
                curl
            RUN echo C:\\
            RUN npm install
            """
        // With ` as the escape, a trailing backslash is an ordinary character: line 6 is its own instruction.
        #expect(hits(lint(dockerfile)) == [Hit("DS009", 4), Hit("DS011", 6)])
    }

    @Test func invalidEscapeDirectiveIsReported() {
        let findings = lint("# escape=x\n\(pinnedBase)\n")
        #expect(hits(findings) == [Hit("DS015", 1)])
    }

    @Test func crlfLineEndingsAndByteOrderMark() {
        let dockerfile = "\u{FEFF}\(pinnedBase)\r\nRUN apt-get install -y \\\r\n  curl\r\n"
        #expect(hits(lint(dockerfile)) == [Hit("DS009", 3)])
    }

    @Test func lowercaseInstructionsAndOnbuildTriggers() {
        let dockerfile = "from --platform=linux/amd64 debian:12@\(digest)\nonbuild run npm install\n"
        #expect(hits(lint(dockerfile)) == [Hit("DS011", 2)])
    }

    @Test func commentedOutInstructionsAreIgnored() {
        let dockerfile = "\(pinnedBase)\n# RUN npm install\n  # FROM ubuntu\n"
        #expect(lint(dockerfile).isEmpty)
    }
}

@Suite struct HeredocTests {
    @Test func bodyOfABareRunHeredocIsShellWithItsOwnLines() {
        let dockerfile = """
            \(pinnedBase)
            RUN <<EOF
            set -e
            apt-get update
            apt-get install -y curl
            pip install flask
            EOF
            RUN npm install
            """
        #expect(hits(lint(dockerfile)) == [Hit("DS009", 5), Hit("DS005", 6), Hit("DS006", 6), Hit("DS011", 8)])
    }

    @Test func bodiesFedToOtherProgramsAreNotShell() {
        let dockerfile = """
            \(pinnedBase)
            RUN python3 <<EOF
            import os  # npm install is only text here
            os.system("echo")
            EOF
            COPY <<EOF /etc/app.conf
            npm install
            EOF
            RUN cat <<EOF > /tmp/notes && npm install
            yarn install
            EOF
            RUN <<EOF
            #!/usr/bin/env python3
            print("pip install flask")
            EOF
            """
        #expect(hits(lint(dockerfile)) == [Hit("DS011", 9)])
    }

    @Test func tabStrippedQuotedAndShellOwnedHeredocs() {
        let dockerfile = "\(pinnedBase)\nRUN <<-'EOT' bash\n\tnpm install\n\tEOT\nRUN sh -e <<\"X\"\nyarn\nX\n"
        #expect(hits(lint(dockerfile)) == [Hit("DS011", 3), Hit("DS012", 6)])
    }

    @Test func multipleHeredocsOnOneInstruction() {
        let dockerfile = """
            \(pinnedBase)
            COPY <<A <<B /opt/
            npm install
            A
            yarn install
            B
            RUN apt-get upgrade
            """
        #expect(hits(lint(dockerfile)) == [Hit("DS010", 7)])
    }

    @Test func heredocInsideAScriptIsSkipped() {
        let dockerfile = """
            \(pinnedBase)
            RUN <<EOF
            cat <<CONF > /root/.npmrc
            npm install
            CONF
            npm ci
            apt-get upgrade
            EOF
            """
        #expect(hits(lint(dockerfile)) == [Hit("DS010", 7)])
    }

    @Test func shiftsAndQuotedMarkersAreNotHeredocs() {
        let dockerfile = "\(pinnedBase)\nRUN echo $((1<<2)) \"<<EOF\" && npm install\nRUN apt-get upgrade\n"
        #expect(hits(lint(dockerfile)) == [Hit("DS011", 2), Hit("DS010", 3)])
    }

    @Test func unterminatedHeredocIsReported() {
        let findings = lint("\(pinnedBase)\nRUN <<EOF\nnpm install\n")
        #expect(hits(findings) == [Hit("DS015", 2), Hit("DS011", 3)])
    }
}

@Suite struct SyntaxProblemTests {
    @Test(arguments: [
        ("\(pinnedBase)\nRUNN npm ci\n", Hit("DS015", 2)),
        ("FROM\n", Hit("DS015", 1)),
        ("FROM --platform=linux/amd64 debian:12@\(digest) AS a b\n", Hit("DS015", 1)),
        ("\(pinnedBase)\nONBUILD\n", Hit("DS015", 2)),
    ])
    func reportsWhatCannotBeParsed(_ dockerfile: String, _ expected: Hit) {
        #expect(hits(lint(dockerfile)).contains(expected))
        #expect(lint(dockerfile).allSatisfy { $0.ruleId == "DS015" })
    }

    @Test func parsingContinuesAfterAProblem() {
        let findings = lint("\(pinnedBase)\nbogus line\nRUN npm install\n")
        #expect(hits(findings) == [Hit("DS015", 2), Hit("DS011", 3)])
    }
}
