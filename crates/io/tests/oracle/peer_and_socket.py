"""peer_and_socket: get_extra_info('peername'), 'sockname' and 'socket' on a client, in a
start_server callback, and on a stream made from a socket the program already has
(open_connection(sock=...)). Ports differ from run to run: what is printed is stable.
"""

import asyncio
import socket


async def main():
    seen = asyncio.Queue()

    async def handle(reader, writer):
        peer = writer.get_extra_info("peername")
        sock = writer.get_extra_info("socket")
        await seen.put((peer, writer.get_extra_info("sockname"), sock.family))
        writer.close()
        await writer.wait_closed()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    address = server.sockets[0].getsockname()
    reader, writer = await asyncio.open_connection(*address)
    client_peer = writer.get_extra_info("peername")
    client_name = writer.get_extra_info("sockname")
    client_sock = writer.get_extra_info("socket")
    print("client: peername is the server's address:", client_peer == address)
    print("client: family:", client_sock.family.name)
    server_peer, server_name, family = await seen.get()
    print("server callback: peername is the client's sockname:", server_peer == client_name)
    print("server callback: sockname is the client's peername:", server_name == client_peer)
    print("server callback: family:", family.name)
    writer.close()
    await writer.wait_closed()

    # A socket the program connected itself.
    sock = socket.create_connection(address)
    reader, writer = await asyncio.open_connection(sock=sock)
    print("sock=: peername is the server's address:", writer.get_extra_info("peername") == address)
    print("sock=: sockname is the socket's:", writer.get_extra_info("sockname") == sock.getsockname())
    server_peer, _, _ = await seen.get()
    print("sock=: the server sees it:", server_peer == sock.getsockname())
    writer.close()
    await writer.wait_closed()
    server.close()
    await server.wait_closed()


asyncio.run(main())
