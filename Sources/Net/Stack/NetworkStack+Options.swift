/// `setsockopt`/`getsockopt` for the options in ``SocketOption`` and `SO_LINGER`.
extension NetworkStack {
    /// Smallest buffers Linux allows (`SOCK_MIN_RCVBUF`/`SOCK_MIN_SNDBUF`, halved as stored).
    static var minimumReceiveBuffer: Int { 1152 }
    static var minimumSendBuffer: Int { 2304 }

    public func setOption(_ id: SocketID, _ option: SocketOption, _ value: Int) throws(NetError) {
        let s = try userSocket(id)
        let on = value != 0
        let maxBuffer = configuration.tcp.maximumBufferSize
        switch option {
        case .reuseAddress: s.reuseAddress = on
        case .reusePort: s.reusePort = on
        case .broadcast: s.broadcast = on
        case .v6Only:
            guard s.domain == .inet6 else { throw .optionNotSupported }
            guard s.localPort == 0 else { throw .invalidArgument }
            s.v6Only = on
        case .ttl, .unicastHops:
            guard value >= -1, value <= 255, value != 0 else { throw .invalidArgument }
            s.hopLimit = value == -1 ? nil : UInt8(value)
        case .receiveBuffer:
            let size = Swift.max(Self.minimumReceiveBuffer, Swift.min(value, maxBuffer))
            if let t = s.tcp {
                t.receiveBufferSize = size
                tcpReceiveWindowUpdate(t)
                flushLoopback()
            } else if let d = s.datagram {
                d.receiveBufferSize = size
            }
        case .sendBuffer:
            let size = Swift.max(Self.minimumSendBuffer, Swift.min(value, maxBuffer))
            if let t = s.tcp {
                t.sendBufferSize = size
                t.sendBuffer.limit = size
                notify(t)
            } else if let d = s.datagram {
                d.sendBufferSize = size
            }
        case .keepAlive:
            guard let t = s.tcp else { return }
            t.keepAliveEnabled = on
            t.keepAliveProbes = 0
            t.keepAliveDeadline =
                on && (t.state == .established || t.state == .closeWait) ? now &+ t.keepAliveIdle : nil
        case .keepIdle, .keepInterval:
            guard let t = s.tcp else { throw .optionNotSupported }
            guard value >= 1, value <= 32767 else { throw .invalidArgument }
            let duration = NetTime.seconds(UInt64(value))
            if option == .keepIdle {
                t.keepAliveIdle = duration
                if t.keepAliveDeadline != nil && t.keepAliveProbes == 0 { t.keepAliveDeadline = now &+ duration }
            } else {
                t.keepAliveInterval = duration
            }
        case .keepCount:
            guard let t = s.tcp else { throw .optionNotSupported }
            guard value >= 1, value <= 127 else { throw .invalidArgument }
            t.keepAliveCount = value
        case .noDelay:
            guard let t = s.tcp else { throw .optionNotSupported }
            t.noDelay = on
            if on {
                tcpOutput(t)
                flushLoopback()
            }
        case .cork:
            guard let t = s.tcp else { throw .optionNotSupported }
            t.cork = on
            if !on {
                tcpOutput(t)
                flushLoopback()
            }
        case .maximumSegment:
            guard s.tcp != nil else { throw .optionNotSupported }
            guard value >= 0, value <= 65535 else { throw .invalidArgument }
        case .type, .error, .acceptConnections, .domain, .protocol:
            throw .optionNotSupported
        }
    }

    public func getOption(_ id: SocketID, _ option: SocketOption) throws(NetError) -> Int {
        let s = try userSocket(id)
        switch option {
        case .reuseAddress: return s.reuseAddress ? 1 : 0
        case .reusePort: return s.reusePort ? 1 : 0
        case .broadcast: return s.broadcast ? 1 : 0
        case .v6Only:
            guard s.domain == .inet6 else { throw .optionNotSupported }
            return s.v6Only ? 1 : 0
        case .ttl, .unicastHops: return Int(s.hopLimit ?? configuration.defaultTTL)
        case .type: return s.tcp != nil ? Int(SocketType.stream.rawValue) : Int(SocketType.datagram.rawValue)
        case .domain: return Int(s.domain.rawValue)
        case .protocol:
            switch s.socketProtocol {
            case .tcp: return 6
            case .udp: return 17
            case .icmpEcho: return s.domain == .inet ? 1 : 58
            }
        case .acceptConnections: return s.tcp?.state == .listen ? 1 : 0
        case .error:
            let error = s.pendingError
            s.pendingError = nil
            if let t = s.tcp, error == nil, let soft = t.softError, t.state == .closed {
                t.softError = nil
                return soft.rawValue
            }
            return error?.rawValue ?? 0
        // Linux reports twice the size set, counting its bookkeeping overhead; programs
        // that read the value back expect that.
        case .receiveBuffer: return 2 &* (s.tcp?.receiveBufferSize ?? s.datagram?.receiveBufferSize ?? 0)
        case .sendBuffer: return 2 &* (s.tcp?.sendBufferSize ?? s.datagram?.sendBufferSize ?? 0)
        case .keepAlive: return s.tcp?.keepAliveEnabled == true ? 1 : 0
        case .keepIdle:
            guard let t = s.tcp else { throw .optionNotSupported }
            return Int(t.keepAliveIdle / 1_000_000_000)
        case .keepInterval:
            guard let t = s.tcp else { throw .optionNotSupported }
            return Int(t.keepAliveInterval / 1_000_000_000)
        case .keepCount:
            guard let t = s.tcp else { throw .optionNotSupported }
            return t.keepAliveCount
        case .noDelay:
            guard let t = s.tcp else { throw .optionNotSupported }
            return t.noDelay ? 1 : 0
        case .cork:
            guard let t = s.tcp else { throw .optionNotSupported }
            return t.cork ? 1 : 0
        case .maximumSegment:
            guard let t = s.tcp else { throw .optionNotSupported }
            return t.state.isSynchronized ? t.effectiveMSS : 536
        }
    }

    /// `SO_LINGER`: nil or disabled for the default graceful close; enabled with 0 seconds
    /// makes `close` reset the connection.
    public func setLinger(_ id: SocketID, _ linger: Linger?) throws(NetError) {
        let s = try userSocket(id)
        guard let t = s.tcp else { return }
        t.linger = linger
    }

    public func getLinger(_ id: SocketID) throws(NetError) -> Linger {
        let s = try userSocket(id)
        return s.tcp?.linger ?? Linger(enabled: false, seconds: 0)
    }

    /// An unresolvable next hop: connections being opened towards it fail with
    /// `EHOSTUNREACH`; established ones and connected datagram sockets note the error.
    func neighborUnreachable(_ address: IPAddress, on i: Interface) {
        for slot in sockets.slots {
            guard let s = slot else { continue }
            let remote: IPAddress
            let local: IPAddress
            if let t = s.tcp {
                guard t.state != .closed && t.state != .listen else { continue }
                remote = t.remoteAddress
                local = t.localAddress
            } else if let d = s.datagram, let peer = d.remote {
                remote = peer.address
                local = d.localAddress
            } else {
                continue
            }
            guard let decision = route(to: remote, source: local), decision.interface === i, decision.nextHop == address
            else { continue }
            if let t = s.tcp {
                if t.state == .synSent || t.state == .synReceived && t.listener == nil {
                    tcpAbort(t, error: .hostUnreachable, sendReset: false)
                } else {
                    t.softError = .hostUnreachable
                }
            } else {
                s.pendingError = .hostUnreachable
                notify(s)
            }
        }
    }
}
